using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Stroma.Web.Hosting;

/// <summary>
/// Single sign-on with the hospital's identity provider through OpenID Connect (configuration section
/// <c>Authentication:Oidc</c>; off unless <see cref="Authority"/> and <see cref="ClientId"/> are set). The provider
/// vouches for who the person is; the claim <see cref="ClaimType"/> names an existing, active Stroma account, which alone
/// decides what they may do (no account is ever created from a sign-in). docs/security.md, "Single sign-on".
/// </summary>
public sealed class OidcSettings
{
    public const string Section = "Authentication:Oidc";

    /// <summary>The provider's issuer URL (its discovery document is at <c>/.well-known/openid-configuration</c> under it).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The client secret registered at the provider (keep it out of files: an environment variable or a secret store).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The claim of the ID token that holds the Stroma user name (e.g. <c>preferred_username</c>, <c>email</c>, <c>upn</c>).</summary>
    public string ClaimType { get; set; } = "preferred_username";

    /// <summary>The provider's metadata and keys are fetched over HTTPS only; false only for a provider on loopback in tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// When true (the default), an ID token whose <c>amr</c> claim (RFC 8176) contains <c>mfa</c> counts as a second
    /// factor for <see cref="SecurityOptions.RequireMfaForRoles"/>; otherwise the user also gives a Stroma TOTP code.
    /// </summary>
    public bool TrustProviderMfa { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    internal static OidcSettings Read(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<OidcSettings>() ?? new OidcSettings();
        if (!settings.Enabled)
        {
            return settings;
        }

        if (!Uri.TryCreate(settings.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            throw new InvalidOperationException($"{Section}:Authority: \"{settings.Authority}\" is not an absolute http(s) URL.");
        }

        if (authority.Scheme == "http" && settings.RequireHttpsMetadata)
        {
            throw new InvalidOperationException($"{Section}:Authority must use https (\"{settings.Authority}\"); {Section}:RequireHttpsMetadata=false allows http, for a test provider only.");
        }

        if (string.IsNullOrWhiteSpace(settings.ClientId))
        {
            throw new InvalidOperationException($"{Section}:ClientId is required when {Section}:Authority is set.");
        }

        if (string.IsNullOrWhiteSpace(settings.ClaimType))
        {
            throw new InvalidOperationException($"{Section}:ClaimType must name the ID-token claim that holds the Stroma user name.");
        }

        return settings;
    }
}

public static class SingleSignOn
{
    public const string Scheme = "oidc";

    public const string CallbackPath = "/signin-oidc";

    /// <summary>Registers the OpenID Connect handler when <paramref name="settings"/> is enabled.</summary>
    public static void Add(AuthenticationBuilder authentication, OidcSettings settings)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(settings);
        authentication.Services.AddSingleton(settings);
        if (!settings.Enabled)
        {
            return;
        }

        authentication.AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            // Authorization code flow with PKCE (OAuth 2.0 Security BCP, RFC 9700); the provider's answer comes back
            // as a top-level GET (response_mode=query), so the correlation and nonce cookies can be SameSite=Lax.
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.Scope.Clear();
            o.Scope.Add("openid");
            o.Scope.Add("profile");
            o.Scope.Add("email");
            o.CallbackPath = CallbackPath;
            // Identity's short-lived external cookie holds the provider's identity until the account page maps it.
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.MapInboundClaims = false;
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.DisableTelemetry = true;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnRemoteFailure = c =>
            {
                // A refused or broken answer from the provider: a page that says so, never a stack trace.
                c.Response.Redirect("/account/sso?failed=true");
                c.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }
}
