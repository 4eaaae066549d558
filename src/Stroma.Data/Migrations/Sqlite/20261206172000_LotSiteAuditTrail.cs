using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stroma.Data.Migrations.Sqlite
{
    /// <summary>
    /// Changes no schema: applying it makes Stroma's migrate (startup, <c>stroma db migrate</c>) run
    /// <see cref="Stroma.Data.Audit.LotSiteUpgrade"/> once, which puts the lot sites that <c>LotSiteAndMedicationVisit</c>
    /// filled on the audit trail (docs/operations.md).
    /// </summary>
    public partial class LotSiteAuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
