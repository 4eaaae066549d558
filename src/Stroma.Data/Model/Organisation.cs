namespace Stroma.Data.Model;

/// <summary>A participating hospital or centre.</summary>
public sealed class Site : TrackedRecord
{
    /// <summary>Short stable code, unique in the registry (e.g. <c>NJ-DT</c>).</summary>
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public string? Country { get; set; }

    public List<Laboratory> Laboratories { get; } = [];
}

/// <summary>A laboratory that reports results for a site (its reference ranges belong to it).</summary>
public sealed class Laboratory : TrackedRecord
{
    public Guid SiteId { get; set; }

    public Site? Site { get; set; }

    /// <summary>Code unique within its site.</summary>
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";
}

/// <summary>A person who signs in; what they may do comes from their <see cref="Membership"/>s.</summary>
public sealed class User : TrackedRecord
{
    /// <summary>Unique sign-in name; also the "who" of the audit trail.</summary>
    public string UserName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public List<Membership> Memberships { get; } = [];
}

/// <summary>What a user does at a site.</summary>
public enum SiteRole
{
    Investigator,
    Coordinator,
    DataManager,
    Monitor,
    Administrator,
}

/// <summary>A user's role at one site, from a date, until it ends (memberships are ended, never deleted).</summary>
public sealed class Membership : TrackedRecord
{
    public Guid UserId { get; set; }

    public User? User { get; set; }

    public Guid SiteId { get; set; }

    public Site? Site { get; set; }

    public SiteRole Role { get; set; }

    public DateOnly StartDate { get; set; }

    public DateOnly? EndDate { get; set; }
}
