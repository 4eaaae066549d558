using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Queries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "queries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    site_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    patient_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    record_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    record_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    field = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    visit_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    protocol_key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    protocol_version = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    check_key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "TEXT", nullable: false),
                    value_when_opened = table.Column<string>(type: "TEXT", nullable: true),
                    raised_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    raised_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
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
                    table.PrimaryKey("pk_queries", x => x.id);
                    table.ForeignKey(
                        name: "FK_queries_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "query_steps",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    query_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    number = table.Column<int>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "TEXT", nullable: false),
                    by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
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
                    table.PrimaryKey("pk_query_steps", x => x.id);
                    table.ForeignKey(
                        name: "FK_query_steps_queries_query_id",
                        column: x => x.query_id,
                        principalTable: "queries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_queries_patient_id",
                table: "queries",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "IX_queries_protocol_key_check_key_record_type_record_id_field",
                table: "queries",
                columns: new[] { "protocol_key", "check_key", "record_type", "record_id", "field" },
                unique: true,
                filter: "check_key IS NOT NULL AND deleted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_queries_record_type_record_id",
                table: "queries",
                columns: new[] { "record_type", "record_id" });

            migrationBuilder.CreateIndex(
                name: "IX_queries_site_id_status",
                table: "queries",
                columns: new[] { "site_id", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_queries_visit_id",
                table: "queries",
                column: "visit_id");

            migrationBuilder.CreateIndex(
                name: "IX_query_steps_query_id_number",
                table: "query_steps",
                columns: new[] { "query_id", "number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "query_steps");

            migrationBuilder.DropTable(
                name: "queries");
        }
    }
}
