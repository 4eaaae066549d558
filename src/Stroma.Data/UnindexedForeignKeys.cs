using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace Stroma.Data;

/// <summary>
/// Foreign keys that keep their integrity check but get no index of their own. EF Core indexes every foreign key by
/// convention; an index pays off only when a query looks rows up by that column, or when the referenced row is deleted
/// or its key changed (the database then finds the referencing rows through it). Neither happens here:
/// <list type="bullet">
/// <item><c>lab_results.laboratory_id</c>: no query selects lab results by laboratory (the timeline and the natural key
/// go by patient, the study report by analyte and visit, the visit lock by visit), and laboratories are never deleted
/// nor re-keyed (clinical records are soft-deleted). The index cost every lab row written a fifth index insert
/// (issue #22, bench/data/README.md).</item>
/// </list>
/// The foreign key itself stays: the database still refuses a result that names a laboratory it does not hold.
/// EF Core's foreign-key-index convention is removed and this subclass added in its place (StromaDbContext's
/// ConfigureConventions); it declines to create just these indexes. Removing the index after the convention made it
/// does not work: the convention adds it again.
/// </summary>
internal sealed class UnindexedForeignKeys(ProviderConventionSetBuilderDependencies dependencies) : ForeignKeyIndexConvention(dependencies)
{
    /// <summary>(entity type, foreign-key property) pairs that get no index by convention.</summary>
    internal static readonly IReadOnlyList<(Type Entity, string Property)> Columns = [(typeof(Model.LabResult), nameof(Model.LabResult.LaboratoryId))];

    protected override IConventionIndex? CreateIndex(IReadOnlyList<IConventionProperty> properties, bool unique, IConventionEntityTypeBuilder entityTypeBuilder)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(entityTypeBuilder);
        var type = entityTypeBuilder.Metadata.ClrType;
        return properties.Count == 1 && Columns.Any(c => c.Entity == type && c.Property == properties[0].Name)
            ? null
            : base.CreateIndex(properties, unique, entityTypeBuilder);
    }
}
