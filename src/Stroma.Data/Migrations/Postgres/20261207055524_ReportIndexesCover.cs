using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReportIndexesCover : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_lab_results_report",
                table: "lab_results");

            migrationBuilder.CreateIndex(
                name: "IX_lab_results_report",
                table: "lab_results",
                columns: new[] { "analyte", "visit_id", "normalised_value", "deleted_at" },
                filter: "deleted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_assessments_report",
                table: "assessments",
                columns: new[] { "instrument", "visit_id", "total", "renal_subtotal", "renal_grade", "deleted_at" },
                filter: "deleted_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_lab_results_report",
                table: "lab_results");

            migrationBuilder.DropIndex(
                name: "IX_assessments_report",
                table: "assessments");

            migrationBuilder.CreateIndex(
                name: "IX_lab_results_report",
                table: "lab_results",
                columns: new[] { "analyte", "visit_id", "normalised_value" },
                filter: "deleted_at IS NULL");
        }
    }
}
