using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SourceDataVerification : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sdv_marks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    site_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    visit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    field = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    verified_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    verified_by_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    meaning = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    cleared_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cleared_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    cleared_reason = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sdv_marks", x => x.id);
                    table.ForeignKey(
                        name: "FK_sdv_marks_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_sdv_marks_visits_visit_id",
                        column: x => x.visit_id,
                        principalTable: "visits",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_sdv_marks_patient_id",
                table: "sdv_marks",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "IX_sdv_marks_site_id_cleared_at",
                table: "sdv_marks",
                columns: new[] { "site_id", "cleared_at" });

            migrationBuilder.CreateIndex(
                name: "IX_sdv_marks_visit_id",
                table: "sdv_marks",
                column: "visit_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sdv_marks");
        }
    }
}
