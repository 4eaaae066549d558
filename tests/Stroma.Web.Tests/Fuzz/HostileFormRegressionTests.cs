// Source: issue #21 (reliability): cases the form fuzz test (FormFuzzTests) found answering 500, each kept as a test.
using System.Net;

namespace Stroma.Web.Tests.Fuzz;

public sealed class HostileFormRegressionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddSite_EmptyCode_PageWithRequiredError()
    {
        await using var factory = new WebFactory();
        await factory.AddUserAsync("admin", administrator: true);
        using var admin = await factory.SignedInAsync("admin");

        using var response = await Html.PostFormAsync(admin, "/admin/sites", ("Code", ""), ("Name", "Somewhere"), ("Country", ""));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Site code is required.");
    }

    [Fact]
    public async Task AddUser_CheckboxNotABoolean_PageWithFieldError()
    {
        await using var factory = new WebFactory();
        await factory.AddUserAsync("admin", administrator: true);
        using var admin = await factory.SignedInAsync("admin");

        using var response = await Html.PostFormAsync(admin, "/admin/users", ("UserName", "someone"), ("DisplayName", "Someone"),
            ("Password", WebFactory.TestPassword), ("IsAdministrator", "not-a-guid"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await response.Content.ReadAsStringAsync(Ct);
        page.ShouldContain("not-a-guid");
        page.ShouldContain("is not valid for Administrator.");
    }
}
