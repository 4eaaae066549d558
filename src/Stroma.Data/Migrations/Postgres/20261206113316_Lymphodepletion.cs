using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Lymphodepletion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lymphodepletions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    enrolment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    drug_key = table.Column<string>(type: "text", nullable: false),
                    drug = table.Column<string>(type: "text", nullable: false),
                    dose_mg_per_square_metre = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    days_relative_to_infusion = table.Column<string>(type: "text", nullable: false),
                    infusion_date = table.Column<DateOnly>(type: "date", nullable: false),
                    first_given_on = table.Column<DateOnly>(type: "date", nullable: false),
                    last_given_on = table.Column<DateOnly>(type: "date", nullable: false),
                    height_cm = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    weight_kg = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    measured_on = table.Column<DateOnly>(type: "date", nullable: false),
                    bsa_formula = table.Column<string>(type: "text", nullable: false),
                    bsa_square_metres = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    daily_dose_mg = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    entered_late = table.Column<bool>(type: "boolean", nullable: false),
                    late_entry_reason = table.Column<string>(type: "text", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_by = table.Column<string>(type: "text", nullable: true),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deleted_by = table.Column<string>(type: "text", nullable: true),
                    deletion_reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lymphodepletions", x => x.id);
                    table.ForeignKey(
                        name: "FK_lymphodepletions_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_lymphodepletions_protocol_enrolments_enrolment_id",
                        column: x => x.enrolment_id,
                        principalTable: "protocol_enrolments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lymphodepletions_enrolment_id_drug_key",
                table: "lymphodepletions",
                columns: new[] { "enrolment_id", "drug_key" },
                unique: true,
                filter: "deleted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_lymphodepletions_patient_id",
                table: "lymphodepletions",
                column: "patient_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lymphodepletions");
        }
    }
}
