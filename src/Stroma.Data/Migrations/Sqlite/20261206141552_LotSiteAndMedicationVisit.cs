using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LotSiteAndMedicationVisit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "visit_id",
                table: "medications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "site_id",
                table: "cell_lots",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // Each existing lot belongs to the site of the patient who first received it (infusions), else of the patient
            // named by an administration in its custody, else of a patient who named it as the suspect lot of an adverse
            // event; a lot no patient received goes to the registry's first site by code (docs/cell-therapy.md, "Lots
            // belong to a site"). A registry with lots but no site at all gets one site, UNASSIGNED, to hold them.
            migrationBuilder.Sql("""
                UPDATE cell_lots SET site_id = (SELECT p.site_id FROM infusions i JOIN patients p ON p.id = i.patient_id
                    WHERE i.lot_id = cell_lots.id ORDER BY i.infusion_date, i.id LIMIT 1)
                WHERE EXISTS (SELECT 1 FROM infusions i WHERE i.lot_id = cell_lots.id);
                UPDATE cell_lots SET site_id = (SELECT p.site_id FROM custody_events c JOIN patients p ON p.id = c.patient_id
                    WHERE c.lot_id = cell_lots.id ORDER BY c.at, c.id LIMIT 1)
                WHERE site_id = '00000000-0000-0000-0000-000000000000' AND EXISTS (SELECT 1 FROM custody_events c WHERE c.lot_id = cell_lots.id AND c.patient_id IS NOT NULL);
                UPDATE cell_lots SET site_id = (SELECT p.site_id FROM adverse_events a JOIN patients p ON p.id = a.patient_id
                    WHERE a.lot_id = cell_lots.id ORDER BY a.onset_date, a.id LIMIT 1)
                WHERE site_id = '00000000-0000-0000-0000-000000000000' AND EXISTS (SELECT 1 FROM adverse_events a WHERE a.lot_id = cell_lots.id);
                INSERT INTO sites (id, code, name, country, version, created_at, created_by)
                SELECT '00000000-0000-7000-8000-000000000016', 'UNASSIGNED', 'Lots registered before lots belonged to a site', NULL, 0, strftime('%Y-%m-%d %H:%M:%S', 'now') || '+00:00', 'migration'
                WHERE EXISTS (SELECT 1 FROM cell_lots WHERE site_id = '00000000-0000-0000-0000-000000000000') AND NOT EXISTS (SELECT 1 FROM sites);
                UPDATE cell_lots SET site_id = (SELECT s.id FROM sites s ORDER BY s.code LIMIT 1) WHERE site_id = '00000000-0000-0000-0000-000000000000';
                """);

            migrationBuilder.CreateIndex(
                name: "IX_medications_visit_id",
                table: "medications",
                column: "visit_id");

            migrationBuilder.CreateIndex(
                name: "IX_cell_lots_site_id",
                table: "cell_lots",
                column: "site_id");

            migrationBuilder.AddForeignKey(
                name: "FK_cell_lots_sites_site_id",
                table: "cell_lots",
                column: "site_id",
                principalTable: "sites",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_medications_visits_visit_id",
                table: "medications",
                column: "visit_id",
                principalTable: "visits",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_cell_lots_sites_site_id",
                table: "cell_lots");

            migrationBuilder.DropForeignKey(
                name: "FK_medications_visits_visit_id",
                table: "medications");

            migrationBuilder.DropIndex(
                name: "IX_medications_visit_id",
                table: "medications");

            migrationBuilder.DropIndex(
                name: "IX_cell_lots_site_id",
                table: "cell_lots");

            migrationBuilder.DropColumn(
                name: "visit_id",
                table: "medications");

            migrationBuilder.DropColumn(
                name: "site_id",
                table: "cell_lots");
        }
    }
}
