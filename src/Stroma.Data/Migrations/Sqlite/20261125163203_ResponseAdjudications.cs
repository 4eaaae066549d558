using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ResponseAdjudications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "response_adjudications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    patient_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    assessment_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    months_since_start = table.Column<decimal>(type: "TEXT", precision: 18, scale: 6, nullable: false),
                    category = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    basis = table.Column<string>(type: "TEXT", nullable: false),
                    visit_keys = table.Column<string>(type: "TEXT", nullable: false),
                    adjudicated_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    adjudicated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    updated_by = table.Column<string>(type: "TEXT", nullable: true),
                    deleted_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    deleted_by = table.Column<string>(type: "TEXT", nullable: true),
                    deletion_reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_response_adjudications", x => x.id);
                    table.ForeignKey(
                        name: "FK_response_adjudications_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_response_adjudications_patient_id_assessment_date",
                table: "response_adjudications",
                columns: new[] { "patient_id", "assessment_date" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "response_adjudications");
        }
    }
}
