using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OneAssessmentPerInstrumentPerVisit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assessments_visit_id",
                table: "assessments");

            migrationBuilder.CreateIndex(
                name: "IX_assessments_visit_instrument",
                table: "assessments",
                columns: new[] { "visit_id", "instrument" },
                unique: true,
                filter: "deleted_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assessments_visit_instrument",
                table: "assessments");

            migrationBuilder.CreateIndex(
                name: "IX_assessments_visit_id",
                table: "assessments",
                column: "visit_id");
        }
    }
}
