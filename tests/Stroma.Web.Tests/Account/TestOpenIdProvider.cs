// Source: OpenID Connect Core 1.0 (authorization code flow, ID token claims, at_hash: sections 3.1 and 3.1.3.6),
// OpenID Connect Discovery 1.0 (provider metadata), RFC 7517 (JWK), RFC 7636 (PKCE, S256), RFC 8176 (amr values).
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Stroma.Web.Tests.Account;

/// <summary>
/// A minimal OpenID provider on 127.0.0.1 for the single sign-on tests: discovery document, JWKS with one RSA key,
/// an authorize endpoint that signs in <see cref="NextUser"/> at once (no login page), and a token endpoint that checks
/// the client secret, redirect URI and PKCE verifier and issues an RS256 ID token.
/// </summary>
public sealed class TestOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "stroma-test";

    public const string ClientSecret = "test-secret-not-for-production";

    private readonly RSA rsa = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> grants = new();
    private WebApplication? app;

    /// <summary>The <c>preferred_username</c> of whoever "signs in" at the provider next.</summary>
    public string NextUser { get; set; } = "";

    /// <summary>The <c>amr</c> values of the next sign-in (RFC 8176), e.g. <c>pwd</c>, or <c>pwd</c> and <c>mfa</c>.</summary>
    public IReadOnlyList<string> NextMethods { get; set; } = ["pwd"];

    /// <summary>Each ID token issued (for the test to look at).</summary>
    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    public Uri Authority { get; private set; } = null!;

    private sealed record Grant(string User, IReadOnlyList<string> Methods, string RedirectUri, string Challenge, string? Nonce);

    public async Task StartAsync()
    {
        // No configuration-file watcher: inotify instances are scarce when many test hosts run at once.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        var key = new RsaSecurityKey(rsa) { KeyId = "test-key-1" };
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["jwks_uri"] = Issuer + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
            ["scopes_supported"] = new[] { "openid", "profile", "email" },
        }));
        app.MapGet("/jwks", () =>
        {
            var parameters = rsa.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = key.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    },
                },
            });
        });
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256"
                || string.IsNullOrEmpty(q["code_challenge"]) || !q["scope"].ToString().Split(' ').Contains("openid"))
            {
                return Results.BadRequest("bad authorization request");
            }

            var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            var redirect = q["redirect_uri"].ToString();
            grants[code] = new Grant(NextUser, NextMethods, redirect, q["code_challenge"]!, q["nonce"]);
            return Results.Redirect($"{redirect}?code={code}&state={Uri.EscapeDataString(q["state"]!)}");
        });
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var (client, secret) = ClientCredentials(request, form);
            if (client != ClientId || secret != ClientSecret)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }

            if (form["grant_type"] != "authorization_code" || !grants.TryRemove(form["code"].ToString(), out var grant)
                || grant.RedirectUri != form["redirect_uri"]
                || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.Challenge)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            var accessToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            var now = DateTime.UtcNow;
            var claims = new Dictionary<string, object>
            {
                ["sub"] = "sub-" + grant.User,
                ["preferred_username"] = grant.User,
                ["amr"] = grant.Methods.ToArray(),
                ["at_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
            };
            if (grant.Nonce is { } nonce)
            {
                claims["nonce"] = nonce;
            }

            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = ClientId,
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddMinutes(5),
                Claims = claims,
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            });
            IssuedTokens.Enqueue(idToken);
            return Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 300, id_token = idToken });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Authority = new Uri(address.TrimEnd('/'));
    }

    private string Issuer => Authority.ToString().TrimEnd('/');

    /// <summary>The settings that point Stroma at this provider.</summary>
    public Dictionary<string, string> Settings(string claimType = "preferred_username") => new()
    {
        ["Authentication:Oidc:Authority"] = Issuer,
        ["Authentication:Oidc:ClientId"] = ClientId,
        ["Authentication:Oidc:ClientSecret"] = ClientSecret,
        ["Authentication:Oidc:ClaimType"] = claimType,
        ["Authentication:Oidc:RequireHttpsMetadata"] = "false",
    };

    private static (string? Client, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        return (form["client_id"], form["client_secret"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        rsa.Dispose();
    }
}
