// Source: issue #14 (stored, versioned, signed protocols): the web side of ProtocolVersions (Stroma.Data, tested there);
// docs/web.md "Protocols". These tests check the page calls the use cases, shows their issues and asks for the password.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Model;

namespace Stroma.Web.Tests.Admin;

public sealed class ProtocolPageTests : IAsyncLifetime
{
    private readonly WebFactory factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await factory.AddUserAsync("admin", administrator: true);

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    private async Task<ProtocolVersionRecord?> StoredAsync(string key)
    {
        await using var scope = factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<StromaDbContext>().ProtocolVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ProtocolKey == key, Ct);
    }

    [Fact]
    public async Task Protocols_CopyWithDosesThenApproveWithPassword_ApprovedAndSigned_WrongPasswordRefused()
    {
        using var admin = await factory.SignedInAsync("admin");
        var list = await admin.GetStringAsync(new Uri("/admin/protocols", UriKind.Relative), Ct);
        list.ShouldContain($"data-key=\"{ProtocolTemplates.SeedCase2Key}\"");
        list.ShouldContain("data-read-only=\"true\"");

        using var copied = await Html.PostFormAsync(admin, "/admin/protocols", "/admin/protocols?handler=Copy",
            ("Template", ProtocolTemplates.SeedCase2Key), ("NewKey", "site_case_2"), ("Doses[msc]", "1e6"), ("DoseUnits[msc]", "cells_per_kg"),
            ("Doses[nk]", "1e8"), ("DoseUnits[nk]", "cells"));
        copied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        copied.Headers.Location!.OriginalString.ShouldBe("/admin/protocols/site_case_2/1");
        var shown = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/protocols/site_case_2/1", UriKind.Relative), Ct));
        shown.ShouldContain("data-component=\"nk\"");
        shown.ShouldContain(new DoseRule.Fixed(CellCount.Cells(1e8m)).ToString()!);
        shown.ShouldContain("id=\"approve-form\"");

        (string, string)[] sign = [("Meaning", "approved for use in the study"), ("Confirm", "true")];
        var path = "/admin/protocols/site_case_2/1";
        using var wrong = await Html.PostFormAsync(admin, path, path + "?handler=Approve", [.. sign, ("Password", "not-the-password")]);
        wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await StoredAsync("site_case_2"))!.Status.ShouldBe(ProtocolVersionStatus.Draft);

        using var approved = await Html.PostFormAsync(admin, path, path + "?handler=Approve", [.. sign, ("Password", WebFactory.TestPassword)]);
        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var stored = await StoredAsync("site_case_2");
        (stored!.Status, stored.ApprovedBy, stored.ApprovalMeaning).ShouldBe((ProtocolVersionStatus.Approved, "admin", "approved for use in the study"));
    }

    [Fact]
    public async Task Protocols_CopyWithoutDoses_DraftSaved_ApprovalRefusedNamingEachDose()
    {
        using var admin = await factory.SignedInAsync("admin");
        using var copied = await Html.PostFormAsync(admin, "/admin/protocols", "/admin/protocols?handler=Copy",
            ("Template", ProtocolTemplates.SeedCase2Key), ("NewKey", "no_doses"));
        copied.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var path = "/admin/protocols/no_doses/1";
        using var refused = await Html.PostFormAsync(admin, path, path + "?handler=Approve",
            ("Meaning", "approved"), ("Confirm", "true"), ("Password", WebFactory.TestPassword));
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("PRT009");
        html.ShouldContain("(components[0].dose)");
        html.ShouldContain("(components[1].dose)");
        (await StoredAsync("no_doses"))!.Status.ShouldBe(ProtocolVersionStatus.Draft);
    }

    [Fact]
    public async Task Protocols_DefineInvalid_ErrorsListedWithFieldPath_NothingSaved()
    {
        using var admin = await factory.SignedInAsync("admin");
        using var response = await Html.PostFormAsync(admin, "/admin/protocols", "/admin/protocols?handler=Define",
            ("Definition", "{\"key\": \"Bad Key\", \"components\": [{\"key\": \"msc\"}]}"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("id=\"error-summary\"");
        html.ShouldContain("(key)");
        html.ShouldContain("(components[0].");
        await using var scope = factory.Scope();
        (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().ProtocolVersions.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Protocols_InChinese_ListAndFormsLocalised_UnknownVersionNotFound()
    {
        using var admin = await factory.SignedInAsync("admin", "zh-CN");
        var html = await admin.GetStringAsync(new Uri($"/admin/protocols/{ProtocolTemplates.SeedCase2Key}/1", UriKind.Relative), Ct);
        html.ShouldContain("内置模板，只读");
        html.ShouldContain("复制内置模板");
        html.ShouldNotContain("id=\"approve-form\"");
        using var missing = await admin.GetAsync(new Uri("/admin/protocols/nothing_here/1", UriKind.Relative), Ct);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
