namespace Stroma.Data.Audit;

/// <summary>
/// A secret field (a password hash, a security stamp): the audit trail records that it was set or changed, by whom
/// and when, but writes <see cref="Placeholder"/> instead of its value, so the trail can be shown and exported.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AuditRedactedAttribute : Attribute
{
    public const string Placeholder = "[redacted]";
}
