using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class VisitSignatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "signature_meaning",
                table: "visits",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "signed_at",
                table: "visits",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "signed_by",
                table: "visits",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "signed_by_name",
                table: "visits",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "signature_meaning",
                table: "visits");

            migrationBuilder.DropColumn(
                name: "signed_at",
                table: "visits");

            migrationBuilder.DropColumn(
                name: "signed_by",
                table: "visits");

            migrationBuilder.DropColumn(
                name: "signed_by_name",
                table: "visits");
        }
    }
}
