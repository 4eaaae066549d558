// Source: issue #19 "A clinician's screens": a signed-out visitor can see where to sign in (the header offers "Sign in").
namespace Stroma.Web.Tests.Account;

public sealed class SignInLinkTests : IAsyncLifetime
{
    private readonly WebFactory factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await factory.AddUserAsync("reader");

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Header_SignedOut_OffersSignInInEitherLanguage_NotOnTheSignInPage_NotOnceSignedIn()
    {
        using var anonymous = factory.Client();
        using var chinese = factory.Client();
        using var signedIn = await factory.SignedInAsync("reader");
        chinese.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");

        var home = await anonymous.GetStringAsync(new Uri("/", UriKind.Relative), Ct);
        var calculator = await chinese.GetStringAsync(new Uri("/score/sledai2k", UriKind.Relative), Ct);
        var signInPage = await anonymous.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative), Ct);
        var afterSignIn = await signedIn.GetStringAsync(new Uri("/account/password", UriKind.Relative), Ct);

        home.ShouldContain("<a href=\"/account/sign-in\" id=\"sign-in-link\" class=\"account\">Sign in</a>");
        calculator.ShouldContain("<a href=\"/account/sign-in\" id=\"sign-in-link\" class=\"account\">登录</a>");
        signInPage.ShouldNotContain("id=\"sign-in-link\"");
        afterSignIn.ShouldNotContain("id=\"sign-in-link\"");
        afterSignIn.ShouldContain("id=\"signed-in-as\"");
    }
}
