using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CellTherapy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "expectedness",
                table: "adverse_events",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "lot_id",
                table: "adverse_events",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "seriousness_criteria",
                table: "adverse_events",
                type: "character varying(160)",
                maxLength: 160,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "cell_lots",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    lot_number = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    product_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    donor_pseudonym = table.Column<string>(type: "text", nullable: false),
                    tissue_source = table.Column<string>(type: "text", nullable: false),
                    manufacturing_site = table.Column<string>(type: "text", nullable: false),
                    manufactured_on = table.Column<DateOnly>(type: "date", nullable: false),
                    passage = table.Column<int>(type: "integer", nullable: true),
                    total_cells = table.Column<decimal>(type: "numeric(28,4)", precision: 28, scale: 4, nullable: false),
                    cells_per_millilitre = table.Column<decimal>(type: "numeric(28,4)", precision: 28, scale: 4, nullable: false),
                    viability_percent = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    volume_millilitres = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    storage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    storage_location = table.Column<string>(type: "text", nullable: false),
                    expires_on = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
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
                    table.PrimaryKey("pk_cell_lots", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "protocol_enrolments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    protocol_key = table.Column<string>(type: "text", nullable: false),
                    protocol_version = table.Column<string>(type: "text", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    planning_weight_kg = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    planning_weighed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    consent_signed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    consent_protocol_version = table.Column<string>(type: "text", nullable: true),
                    consent_withdrawn_on = table.Column<DateOnly>(type: "date", nullable: true),
                    consent_valid_until = table.Column<DateOnly>(type: "date", nullable: true),
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
                    table.PrimaryKey("pk_protocol_enrolments", x => x.id);
                    table.ForeignKey(
                        name: "FK_protocol_enrolments_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "custody_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    lot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    place = table.Column<string>(type: "text", nullable: false),
                    person = table.Column<string>(type: "text", nullable: false),
                    temperature_celsius = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: true),
                    warnings = table.Column<string>(type: "text", nullable: true),
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
                    table.PrimaryKey("pk_custody_events", x => x.id);
                    table.ForeignKey(
                        name: "FK_custody_events_cell_lots_lot_id",
                        column: x => x.lot_id,
                        principalTable: "cell_lots",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_custody_events_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "lot_decisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    lot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    verdict = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    signed_by = table.Column<string>(type: "text", nullable: false),
                    signed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    meaning = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    decision_date = table.Column<DateOnly>(type: "date", nullable: false),
                    specification_name = table.Column<string>(type: "text", nullable: false),
                    specification_version = table.Column<string>(type: "text", nullable: false),
                    evaluation_json = table.Column<string>(type: "text", nullable: false),
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
                    table.PrimaryKey("pk_lot_decisions", x => x.id);
                    table.ForeignKey(
                        name: "FK_lot_decisions_cell_lots_lot_id",
                        column: x => x.lot_id,
                        principalTable: "cell_lots",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "lot_release_tests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    lot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    test_key = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    met = table.Column<bool>(type: "boolean", nullable: true),
                    tested_on = table.Column<DateOnly>(type: "date", nullable: false),
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
                    table.PrimaryKey("pk_lot_release_tests", x => x.id);
                    table.ForeignKey(
                        name: "FK_lot_release_tests_cell_lots_lot_id",
                        column: x => x.lot_id,
                        principalTable: "cell_lots",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "follow_up_contacts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    enrolment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    event_key = table.Column<string>(type: "text", nullable: true),
                    contact_date = table.Column<DateOnly>(type: "date", nullable: false),
                    mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    rash = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sleep = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    fatigue = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    pain = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    adverse_reaction = table.Column<bool>(type: "boolean", nullable: false),
                    adverse_event_id = table.Column<Guid>(type: "uuid", nullable: true),
                    notes = table.Column<string>(type: "text", nullable: true),
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
                    table.PrimaryKey("pk_follow_up_contacts", x => x.id);
                    table.ForeignKey(
                        name: "FK_follow_up_contacts_adverse_events_adverse_event_id",
                        column: x => x.adverse_event_id,
                        principalTable: "adverse_events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_follow_up_contacts_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_follow_up_contacts_protocol_enrolments_enrolment_id",
                        column: x => x.enrolment_id,
                        principalTable: "protocol_enrolments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "infusions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    enrolment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_key = table.Column<string>(type: "text", nullable: false),
                    component_key = table.Column<string>(type: "text", nullable: false),
                    lot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    infusion_date = table.Column<DateOnly>(type: "date", nullable: false),
                    start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stop = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    dose_cells = table.Column<decimal>(type: "numeric(28,4)", precision: 28, scale: 4, nullable: false),
                    weight_kg = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    weighed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    precheck_outcome = table.Column<string>(type: "text", nullable: false),
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
                    table.PrimaryKey("pk_infusions", x => x.id);
                    table.ForeignKey(
                        name: "FK_infusions_cell_lots_lot_id",
                        column: x => x.lot_id,
                        principalTable: "cell_lots",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_infusions_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_infusions_protocol_enrolments_enrolment_id",
                        column: x => x.enrolment_id,
                        principalTable: "protocol_enrolments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "protocol_deviations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    enrolment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    event_key = table.Column<string>(type: "text", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    detected_on = table.Column<DateOnly>(type: "date", nullable: false),
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
                    table.PrimaryKey("pk_protocol_deviations", x => x.id);
                    table.ForeignKey(
                        name: "FK_protocol_deviations_protocol_enrolments_enrolment_id",
                        column: x => x.enrolment_id,
                        principalTable: "protocol_enrolments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "schedule_changes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    enrolment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_key = table.Column<string>(type: "text", nullable: false),
                    from_date = table.Column<DateOnly>(type: "date", nullable: false),
                    to_date = table.Column<DateOnly>(type: "date", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    changed_by = table.Column<string>(type: "text", nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
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
                    table.PrimaryKey("pk_schedule_changes", x => x.id);
                    table.ForeignKey(
                        name: "FK_schedule_changes_protocol_enrolments_enrolment_id",
                        column: x => x.enrolment_id,
                        principalTable: "protocol_enrolments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "scheduled_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    enrolment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_key = table.Column<string>(type: "text", nullable: false),
                    label = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    target = table.Column<DateOnly>(type: "date", nullable: false),
                    original_target = table.Column<DateOnly>(type: "date", nullable: false),
                    window_days_before = table.Column<int>(type: "integer", nullable: false),
                    window_days_after = table.Column<int>(type: "integer", nullable: false),
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
                    table.PrimaryKey("pk_scheduled_events", x => x.id);
                    table.ForeignKey(
                        name: "FK_scheduled_events_protocol_enrolments_enrolment_id",
                        column: x => x.enrolment_id,
                        principalTable: "protocol_enrolments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "infusion_premedications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    infusion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    drug = table.Column<string>(type: "text", nullable: false),
                    dose = table.Column<string>(type: "text", nullable: false),
                    given_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
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
                    table.PrimaryKey("pk_infusion_premedications", x => x.id);
                    table.ForeignKey(
                        name: "FK_infusion_premedications_infusions_infusion_id",
                        column: x => x.infusion_id,
                        principalTable: "infusions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "infusion_reactions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    infusion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    term = table.Column<string>(type: "text", nullable: false),
                    grade = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    onset = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    action = table.Column<string>(type: "text", nullable: true),
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
                    table.PrimaryKey("pk_infusion_reactions", x => x.id);
                    table.ForeignKey(
                        name: "FK_infusion_reactions_infusions_infusion_id",
                        column: x => x.infusion_id,
                        principalTable: "infusions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "infusion_vital_signs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    infusion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    phase = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    systolic_mm_hg = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    diastolic_mm_hg = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    heart_rate_per_minute = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    temperature_celsius = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    respiratory_rate_per_minute = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    oxygen_saturation_percent = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
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
                    table.PrimaryKey("pk_infusion_vital_signs", x => x.id);
                    table.ForeignKey(
                        name: "FK_infusion_vital_signs_infusions_infusion_id",
                        column: x => x.infusion_id,
                        principalTable: "infusions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_adverse_events_lot_id",
                table: "adverse_events",
                column: "lot_id");

            migrationBuilder.CreateIndex(
                name: "IX_cell_lots_lot_number",
                table: "cell_lots",
                column: "lot_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_custody_events_lot_id_at",
                table: "custody_events",
                columns: new[] { "lot_id", "at" });

            migrationBuilder.CreateIndex(
                name: "IX_custody_events_patient_id",
                table: "custody_events",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "IX_follow_up_contacts_adverse_event_id",
                table: "follow_up_contacts",
                column: "adverse_event_id");

            migrationBuilder.CreateIndex(
                name: "IX_follow_up_contacts_enrolment_id",
                table: "follow_up_contacts",
                column: "enrolment_id");

            migrationBuilder.CreateIndex(
                name: "IX_follow_up_contacts_patient_id_contact_date",
                table: "follow_up_contacts",
                columns: new[] { "patient_id", "contact_date" });

            migrationBuilder.CreateIndex(
                name: "IX_infusion_premedications_infusion_id",
                table: "infusion_premedications",
                column: "infusion_id");

            migrationBuilder.CreateIndex(
                name: "IX_infusion_reactions_infusion_id",
                table: "infusion_reactions",
                column: "infusion_id");

            migrationBuilder.CreateIndex(
                name: "IX_infusion_vital_signs_infusion_id",
                table: "infusion_vital_signs",
                column: "infusion_id");

            migrationBuilder.CreateIndex(
                name: "IX_infusions_enrolment_id_event_key_component_key",
                table: "infusions",
                columns: new[] { "enrolment_id", "event_key", "component_key" },
                unique: true,
                filter: "deleted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_infusions_lot_id",
                table: "infusions",
                column: "lot_id");

            migrationBuilder.CreateIndex(
                name: "IX_infusions_patient_id_infusion_date",
                table: "infusions",
                columns: new[] { "patient_id", "infusion_date" });

            migrationBuilder.CreateIndex(
                name: "IX_lot_decisions_lot_id",
                table: "lot_decisions",
                column: "lot_id");

            migrationBuilder.CreateIndex(
                name: "IX_lot_release_tests_lot_id_test_key",
                table: "lot_release_tests",
                columns: new[] { "lot_id", "test_key" });

            migrationBuilder.CreateIndex(
                name: "IX_protocol_deviations_enrolment_id_event_key",
                table: "protocol_deviations",
                columns: new[] { "enrolment_id", "event_key" });

            migrationBuilder.CreateIndex(
                name: "IX_protocol_enrolments_patient_id_protocol_key",
                table: "protocol_enrolments",
                columns: new[] { "patient_id", "protocol_key" });

            migrationBuilder.CreateIndex(
                name: "IX_schedule_changes_enrolment_id_changed_at",
                table: "schedule_changes",
                columns: new[] { "enrolment_id", "changed_at" });

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_events_enrolment_id_event_key",
                table: "scheduled_events",
                columns: new[] { "enrolment_id", "event_key" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_adverse_events_cell_lots_lot_id",
                table: "adverse_events",
                column: "lot_id",
                principalTable: "cell_lots",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_adverse_events_cell_lots_lot_id",
                table: "adverse_events");

            migrationBuilder.DropTable(
                name: "custody_events");

            migrationBuilder.DropTable(
                name: "follow_up_contacts");

            migrationBuilder.DropTable(
                name: "infusion_premedications");

            migrationBuilder.DropTable(
                name: "infusion_reactions");

            migrationBuilder.DropTable(
                name: "infusion_vital_signs");

            migrationBuilder.DropTable(
                name: "lot_decisions");

            migrationBuilder.DropTable(
                name: "lot_release_tests");

            migrationBuilder.DropTable(
                name: "protocol_deviations");

            migrationBuilder.DropTable(
                name: "schedule_changes");

            migrationBuilder.DropTable(
                name: "scheduled_events");

            migrationBuilder.DropTable(
                name: "infusions");

            migrationBuilder.DropTable(
                name: "cell_lots");

            migrationBuilder.DropTable(
                name: "protocol_enrolments");

            migrationBuilder.DropIndex(
                name: "IX_adverse_events_lot_id",
                table: "adverse_events");

            migrationBuilder.DropColumn(
                name: "expectedness",
                table: "adverse_events");

            migrationBuilder.DropColumn(
                name: "lot_id",
                table: "adverse_events");

            migrationBuilder.DropColumn(
                name: "seriousness_criteria",
                table: "adverse_events");
        }
    }
}
