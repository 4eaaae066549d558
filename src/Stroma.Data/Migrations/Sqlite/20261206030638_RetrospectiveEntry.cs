using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RetrospectiveEntry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "entered_late",
                table: "lot_release_tests",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "late_entry_reason",
                table: "lot_release_tests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "entered_late",
                table: "lot_decisions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "late_entry_reason",
                table: "lot_decisions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "entered_late",
                table: "infusions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "late_entry_reason",
                table: "infusions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "entered_late",
                table: "follow_up_contacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "late_entry_reason",
                table: "follow_up_contacts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "entered_late",
                table: "custody_events",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "late_entry_reason",
                table: "custody_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "entered_late",
                table: "adverse_events",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "late_entry_reason",
                table: "adverse_events",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "entered_late",
                table: "lot_release_tests");

            migrationBuilder.DropColumn(
                name: "late_entry_reason",
                table: "lot_release_tests");

            migrationBuilder.DropColumn(
                name: "entered_late",
                table: "lot_decisions");

            migrationBuilder.DropColumn(
                name: "late_entry_reason",
                table: "lot_decisions");

            migrationBuilder.DropColumn(
                name: "entered_late",
                table: "infusions");

            migrationBuilder.DropColumn(
                name: "late_entry_reason",
                table: "infusions");

            migrationBuilder.DropColumn(
                name: "entered_late",
                table: "follow_up_contacts");

            migrationBuilder.DropColumn(
                name: "late_entry_reason",
                table: "follow_up_contacts");

            migrationBuilder.DropColumn(
                name: "entered_late",
                table: "custody_events");

            migrationBuilder.DropColumn(
                name: "late_entry_reason",
                table: "custody_events");

            migrationBuilder.DropColumn(
                name: "entered_late",
                table: "adverse_events");

            migrationBuilder.DropColumn(
                name: "late_entry_reason",
                table: "adverse_events");
        }
    }
}
