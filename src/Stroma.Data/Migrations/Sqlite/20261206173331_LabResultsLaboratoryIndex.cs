using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LabResultsLaboratoryIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_lab_results_laboratory_id",
                table: "lab_results");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_lab_results_laboratory_id",
                table: "lab_results",
                column: "laboratory_id");
        }
    }
}
