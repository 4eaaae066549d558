using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Labs;
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
            if (holder.Current.UserId is not null)
            {
                // The request's context may have been created before authentication ran (the first-run check, the
                // security-stamp check), when its actor was still "anonymous": the audit trail must name the user.
                db.Actor = holder.Current.UserName;
            }
            else
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
    public const string VerifySourceData = "verify-source-data";

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Administrator, p => p.RequireAuthenticatedUser().AddRequirements(new AccessRequirement(null)));
        foreach (var (name, capability) in new[]
        {
            (ReadClinical, Capability.ReadClinical), (EditClinical, Capability.EditClinical), (SignVisits, Capability.SignVisits),
            (ReadAudit, Capability.ReadAudit), (ReadDeidentified, Capability.ReadDeidentified), (ManageLots, Capability.ManageLots),
            (ReadLots, Capability.ReadLots), (VerifySourceData, Capability.VerifySourceData),
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

/// <summary>
/// The one refusal of a page that changes records, checked before anything posted is looked at: 404 when the user
/// may not read the record (it does not exist, or lies at a site they may not read: the page must not reveal that
/// another site's record exists), 403 when they may read it but lack the capability for the change, null when they
/// may go ahead.
/// </summary>
public static class AccessRefusal
{
    /// <summary>404 unless <paramref name="readable"/>; then 403 unless <paramref name="permitted"/>; else null.</summary>
    public static IActionResult? For(bool readable, bool permitted) =>
        !readable ? new NotFoundResult() : permitted ? null : new ForbidResult();

    /// <summary>
    /// For a record at <paramref name="siteId"/> (null when the record was not found): readable with
    /// <see cref="Capability.ReadClinical"/> there, permitted with <paramref name="capability"/> there.
    /// </summary>
    public static IActionResult? AtSite(UserAccess access, Guid? siteId, Capability capability = Capability.EditClinical)
    {
        ArgumentNullException.ThrowIfNull(access);
        return siteId is { } site
            ? For(access.Can(Capability.ReadClinical, site) || access.Can(capability, site), access.Can(capability, site))
            : new NotFoundResult();
    }

    /// <summary>
    /// The patient <paramref name="id"/> for a page that edits their records (<see cref="Capability.EditClinical"/> at
    /// their site), or the refusal: 404 when the user may not read the patient, 403 when they may only read.
    /// </summary>
    public static async Task<(EditablePatient? Patient, IActionResult? Refused)> PatientAsync(StromaDbContext db, UserAccess access, Guid id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var patient = await db.PatientsFor(access, Capability.ReadClinical).AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.Id, p.SiteId, Site = p.Site!.Code, p.StudyId, p.Sex, p.BirthYear, p.BirthDate })
            .SingleOrDefaultAsync(cancellationToken);
        return AtSite(access, patient?.SiteId) is { } refused
            ? (null, refused)
            : (new EditablePatient(patient!.Id, patient.SiteId, patient.Site, patient.StudyId, patient.Sex, patient.BirthYear ?? patient.BirthDate?.Year), null);
    }
}

/// <summary>
/// A patient whose records the user may edit, as the editing pages need it: id, site (id and code), study id, sex,
/// and <c>BirthYear</c>, the recorded birth year or else the year of the birth date.
/// </summary>
public sealed record EditablePatient(Guid Id, Guid SiteId, string Site, string StudyId, Sex Sex, int? BirthYear);
