using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Stroma.Data;
using Stroma.Data.Access;

namespace Stroma.Web.Hosting;

/// <summary>
/// The signed-in user's <see cref="UserAccess"/> for this request, loaded once by <see cref="AccessMiddleware"/> from
/// the database (memberships, administrator flag). Pages take <see cref="UserAccess"/> from DI and filter every query
/// by its sites; policies (<see cref="Policies"/>) refuse a page outright when the user has the capability nowhere.
/// </summary>
public sealed class AccessHolder
{
    public UserAccess Current { get; set; } = UserAccess.None;
}

/// <summary>Loads the access of a signed-in user; a session whose account has gone (disabled) is signed out.</summary>
public sealed class AccessMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, AccessHolder holder, StromaDbContext db, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(holder);
        if (context.User.Identity?.IsAuthenticated == true)
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            holder.Current = await UserAccess.LoadAsync(db, context.User.Identity.Name, today, context.RequestAborted);
            // The request's context may have been created before authentication ran (then its actor is "anonymous"):
            // the audit trail names the signed-in user.
            db.Actor = holder.Current.UserId is null ? db.Actor : holder.Current.UserName;
            if (holder.Current.UserId is null)
            {
                await context.SignOutAsync(IdentityConstants.ApplicationScheme);
                context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
            }
        }

        await next(context);
    }
}

/// <summary>Named authorisation policies: a page states what it needs; record-level checks happen in the page.</summary>
public static class Policies
{
    public const string Administrator = "administrator";
    public const string ReadClinical = "read-clinical";
    public const string EditClinical = "edit-clinical";
    public const string SignVisits = "sign-visits";
    public const string ReadAudit = "read-audit";
    public const string ReadDeidentified = "read-deidentified";
    public const string ManageLots = "manage-lots";
    public const string ReadLots = "read-lots";

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Administrator, p => p.RequireAuthenticatedUser().AddRequirements(new AccessRequirement(null)));
        foreach (var (name, capability) in new[]
        {
            (ReadClinical, Capability.ReadClinical), (EditClinical, Capability.EditClinical), (SignVisits, Capability.SignVisits),
            (ReadAudit, Capability.ReadAudit), (ReadDeidentified, Capability.ReadDeidentified), (ManageLots, Capability.ManageLots),
            (ReadLots, Capability.ReadLots),
        })
        {
            options.AddPolicy(name, p => p.RequireAuthenticatedUser().AddRequirements(new AccessRequirement(capability)));
        }
    }
}

/// <summary>Met when the user has <see cref="Capability"/> at some site (or, when null, is an administrator).</summary>
public sealed record AccessRequirement(Capability? Capability) : IAuthorizationRequirement;

/// <summary>Checks an <see cref="AccessRequirement"/> against the request's <see cref="AccessHolder"/>.</summary>
public sealed class AccessHandler(AccessHolder holder) : AuthorizationHandler<AccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var access = holder.Current;
        var met = requirement.Capability is { } capability ? access.CanAnywhere(capability) : access.IsAdministrator;
        if (met)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
