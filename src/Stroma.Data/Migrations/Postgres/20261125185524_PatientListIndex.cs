using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PatientListIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_patients_live_site_study",
                table: "patients",
                columns: new[] { "site_id", "study_id" },
                filter: "deleted_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_patients_live_site_study",
                table: "patients");
        }
    }
}
