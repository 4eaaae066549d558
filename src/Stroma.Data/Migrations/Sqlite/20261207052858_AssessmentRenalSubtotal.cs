using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Sqlite
{
    /// <summary>
    /// The renal subtotal and grade copied from each new assessment's result for the study report (issue #22). Not filled
    /// in for assessments already stored: the demo's and imports' rows are covered by the ledger digests of their bulk
    /// writes, which a backfill would change; the report reads those rows' renal values from their results, as before.
    /// </summary>
    public partial class AssessmentRenalSubtotal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "renal_grade",
                table: "assessments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "renal_subtotal",
                table: "assessments",
                type: "TEXT",
                precision: 18,
                scale: 6,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "renal_grade",
                table: "assessments");

            migrationBuilder.DropColumn(
                name: "renal_subtotal",
                table: "assessments");
        }
    }
}
