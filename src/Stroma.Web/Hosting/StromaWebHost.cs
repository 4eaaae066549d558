using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Replicas;
using Stroma.Web.Features.Account;
using Stroma.Web.Features.Scoring;
using Stroma.Web.Localization;

namespace Stroma.Web.Hosting;

/// <summary>Everything Program.cs wires up, in one place: services, then the middleware pipeline in order.</summary>
public static class StromaWebHost
{
    /// <summary>The UI languages. English is the default; Simplified Chinese as used in mainland China.</summary>
    public static IReadOnlyList<CultureInfo> Cultures { get; } = [new("en"), new("zh-CN")];

    /// <summary>Lets <c>--demo</c> be a bare switch (the configuration reader wants <c>--demo true</c>).</summary>
    public static string[] NormaliseArgs(string[] args) =>
        [.. (args ?? []).Select(a => a == "--demo" ? "--demo=true" : a)];

    public static WebApplicationBuilder AddStromaWeb(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // `--port 8080` is shorthand for `--urls http://127.0.0.1:8080` (loopback unless told otherwise).
        if (builder.Configuration["port"] is { } port)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new ArgumentException($"--port must be a whole number from 1 to 65535, not \"{port}\".");
            }

            builder.WebHost.UseUrls($"http://127.0.0.1:{number}");
        }

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FirstRun>();
        MemoryTrace.Add(services);
        if (builder.Configuration.GetValue<bool>("demo"))
        {
            DemoMode.RequireLoopback(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? builder.Configuration["urls"]);
            var demo = DemoMode.Create();
            services.AddSingleton(demo);
            services.AddSingleton(demo.Database);
            services.AddHostedService<DemoStartup>();
        }
        else
        {
            services.AddSingleton(DataConfiguration.Resolve(builder.Configuration["database"]));
            services.AddHostedService<FirstRunStartup>();
        }

        services.AddScoped(sp => StromaDatabase.CreateContext(sp.GetRequiredService<DataConfiguration>(), Actor(sp)));
        AddReadReplica(builder);
        AuditAnchorOptions.Add(services, builder.Configuration);

        var security = SecurityOptions.Read(builder.Configuration, demo: builder.Configuration.GetValue<bool>("demo"));
        services.AddSingleton(security);
        services.AddSingleton<DummyCredential>();
        RateLimits.Add(services, security.RateLimits);
        // Behind a reverse proxy: X-Forwarded-For/-Proto are believed only from the configured proxies (none by
        // default; ASP.NET Core's own default would trust loopback), so Secure cookies and HSTS follow the real scheme.
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in security.KnownProxies)
            {
                o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }

            foreach (var network in security.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        // HSTS on answers served over HTTPS (ASVS 4.0.3 V14.4.5); ASP.NET Core leaves out loopback host names.
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        // No `Server: Kestrel` header (ASVS 4.0.3 V14.3.3: no version or product banners).
        builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);

        // ASP.NET Core Identity over the registry's own users table (StromaUserStore): password hashing and rules,
        // lockout, security stamps; the cookie is Identity's application cookie.
        services.AddIdentityCore<User>(o =>
            {
                o.Password.RequiredLength = MinimumPasswordLength;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                o.Lockout.DefaultLockoutTimeSpan = security.LockoutBase;
                o.Lockout.AllowedForNewUsers = true;
                o.SignIn.RequireConfirmedAccount = true;
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-";
            })
            .AddUserStore<StromaUserStore>()
            .AddUserManager<StromaUserManager>()
            .AddClaimsPrincipalFactory<StromaClaimsFactory>()
            .AddSignInManager<StromaSignInManager>()
            // The second factor: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of drift either way),
            // each code accepted once (ASVS V2.8.4), the key and hashed recovery codes kept by StromaUserStore (docs/security.md).
            .AddTokenProvider<SingleUseAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        // The security stamp is checked on every request, so a password change or reset, a sign-out, a disabled
        // account or a changed membership ends every other session of the user at once (OWASP ASVS 4.0.3 V3.3.1, V3.3.3).
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.Zero;
            // The principal is rebuilt from the database on each check; how the session was confirmed (amr = mfa after
            // a second factor) is a fact of the sign-in, not of the account, so it is carried over.
            o.OnRefreshingPrincipal = c =>
            {
                if (c.CurrentPrincipal is { } current && MfaRequired.Confirmed(current) && c.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity
                    && !MfaRequired.Confirmed(c.NewPrincipal))
                {
                    identity.AddClaim(new System.Security.Claims.Claim(MfaRequired.MethodsClaim, MfaRequired.MultiFactor));
                }

                return Task.CompletedTask;
            };
        });
        services.AddScoped<IUserConfirmation<User>, EnabledAccountConfirmation>();
        var authentication = services.AddAuthentication(IdentityConstants.ApplicationScheme);
        authentication.AddIdentityCookies();
        SingleSignOn.Add(authentication, OidcSettings.Read(builder.Configuration));
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/sign-in";
            // A refusal is a 403 (shown by the status page), and API callers get 401/403, never a redirect to a page.
            o.Events.OnRedirectToAccessDenied = c =>
            {
                c.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            o.Events.OnRedirectToLogin = c =>
            {
                if (IsApi(c.HttpContext))
                {
                    c.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    c.Response.Redirect(c.RedirectUri);
                }

                return Task.CompletedTask;
            };
            // The absolute lifetime: the instant of sign-in travels in the ticket (kept when the sliding expiry or the
            // stamp check renews it); a session older than SecurityOptions.SessionLifetime is refused.
            o.Events.OnSigningIn = c =>
            {
                if (!c.Properties.Items.ContainsKey(SessionStartedKey))
                {
                    c.Properties.Items[SessionStartedKey] = Clock(c.HttpContext).GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                }

                return Task.CompletedTask;
            };
            o.Events.OnValidatePrincipal = async c =>
            {
                var started = c.Properties.Items.TryGetValue(SessionStartedKey, out var value)
                    && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
                if (started is null || Clock(c.HttpContext).GetUtcNow() - started.Value >= security.SessionLifetime)
                {
                    c.RejectPrincipal();
                    await c.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }

                await SecurityStampValidator.ValidatePrincipalAsync(c);
                // The stamp check rebuilds the principal from the database on every request (used for this request) and
                // asks for the cookie to be written anew each time, which is an encryption and a Set-Cookie per page.
                // The cookie needs writing only for the idle expiry: once its ticket is RenewAfter old, so a session
                // still ends SessionTimeout (less up to RenewAfter) after its last request.
                if (c.ShouldRenew && c.Properties.IssuedUtc is { } issued && Clock(c.HttpContext).GetUtcNow() - issued < RenewAfter)
                {
                    c.ShouldRenew = false;
                }
            };
            o.Cookie.Name = "stroma.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = SessionTimeout;
            o.SlidingExpiration = true;
        });
        // The cookie's issue and expiry instants on the app's clock, the one the absolute lifetime above reads.
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<TimeProvider>((o, clock) => o.TimeProvider = clock);
        services.AddScoped<AccessHolder>();
        services.AddScoped(sp => sp.GetRequiredService<AccessHolder>().Current);
        services.AddScoped<IAuthorizationHandler, AccessHandler>();
        services.AddAuthorization(Policies.Add);
        services.AddHttpContextAccessor();
        services.AddLocalization();
        // Chinese text as characters in the HTML, not numeric entities (Razor still encodes what must be encoded).
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        // Every page needs a signed-in user unless its model says [AllowAnonymous] (sign-in, setup, the calculators,
        // errors); API endpoints state theirs (RequireAuthorization). The route test walks them all.
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Features";
                o.Conventions.AuthorizeFolder("/");
            })
            .AddMvcOptions(o =>
            {
                o.Filters.Add(new CheckboxModelState());
                o.Filters.Add(new ReadAudit());
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(Text)));
        services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<Microsoft.AspNetCore.Mvc.MvcOptions>, ModelBindingMessages>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = [.. Cultures];
            o.SupportedUICultures = [.. Cultures];
            // Per user: the language switch writes the culture cookie; without it, the browser's Accept-Language.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "stroma.af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<UnexpectedExceptionHandler>();
        services.AddSingleton<ClinicalText>();
        services.AddSingleton<Words>();
        services.AddSingleton<Features.Patients.PatientDirectory>();
        services.AddSingleton<ReadAuditWriter>();
        services.AddSingleton<Features.Patients.PatientPageCache<Features.Patients.TimelineModel.TimelineContent>>();
        services.AddSingleton<Features.Patients.PatientPageCache<Features.Patients.PatientBannerViewComponent.BannerRecords>>();
        // The study report cache (docs/web.md "Report cache"): one build per registry state and scope, few at once.
        services.AddSingleton<Features.Reports.IReportSource>(sp => new Features.Reports.StudyReportSource(sp.GetRequiredService<DataConfiguration>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ReadReplica>()));
        services.AddSingleton(sp => new Features.Reports.ReportCache(sp.GetRequiredService<Features.Reports.IReportSource>(),
            Features.Reports.ReportCacheOptions.From(builder.Configuration), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Features.Reports.ReportCache>>()));
        services.AddSingleton(_ => new Instruments(Stroma.Clinical.Scoring.InstrumentCatalog.All));
        return builder;
    }

    /// <summary>
    /// The read replica, when configured (<c>--read-database</c> or <c>ConnectionStrings:Replica</c>), checked at start:
    /// a replica of a SQLite registry is refused with the reason. Pages read through <see cref="ReadDatabase"/> either way.
    /// </summary>
    private static void AddReadReplica(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        if (ReadDatabase.Configured(builder.Configuration) is { } replica)
        {
            if (builder.Configuration.GetValue<bool>("demo"))
            {
                throw new ArgumentException("--read-database does not go with --demo: the demo registry is a SQLite file, and SQLite has no replicas.");
            }

            // Refuses a SQLite primary or replica now, with the reason, rather than on the first page.
            _ = new ReadReplica(DataConfiguration.Resolve(builder.Configuration["database"]), replica);
            services.AddSingleton(sp => new ReadReplica(sp.GetRequiredService<DataConfiguration>(), replica,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<ReadReplica>(), sp.GetRequiredService<TimeProvider>()));
        }

        services.AddScoped(sp => new ReadDatabase(sp.GetRequiredService<StromaDbContext>(), sp.GetRequiredService<IHttpContextAccessor>(),
            sp.GetService<ReadReplica>()));
    }

    public static WebApplication UseStromaWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var security = app.Services.GetRequiredService<SecurityOptions>();
        if (security.KnownProxies.Count > 0 || security.KnownNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseHsts();
        app.UseMiddleware<SecurityHeaders>();
        // Handled by UnexpectedExceptionHandler: JSON API failures become ProblemDetails; pages re-execute /Error.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            // UnexpectedExceptionHandler logs each failure once, with its correlation id.
            SuppressDiagnosticsCallback = _ => true,
            // A concurrent edit is a conflict for the user to resolve, not a server failure.
            StatusCodeSelector = e => UnexpectedExceptionHandler.IsConflict(e) ? StatusCodes.Status409Conflict : StatusCodes.Status500InternalServerError,
        });
        // Empty 4xx/5xx answers get a page in the user's language (unknown page, refused form), or a ProblemDetails
        // under /api.
        app.UseWhen(c => !IsApi(c), b => b.UseStatusCodePagesWithReExecute("/status/{0}"));
        app.UseWhen(IsApi, b => b.UseStatusCodePages());
        app.UseStaticFiles();
        app.UseRequestLocalization();
        app.UseRouting();
        app.UseMiddleware<FirstRunMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<ApiTokenAuthentication>();
        app.UseMiddleware<AccessMiddleware>();
        if (app.Services.GetService<ReadReplica>() is not null)
        {
            app.UseMiddleware<ReadYourWrites>();
        }

        app.UseMiddleware<PasswordChangeRequired>();
        app.UseMiddleware<MfaRequired>();
        if (security.RateLimits.Enabled)
        {
            app.UseRateLimiter();
        }

        app.UseAuthorization();
        app.MapRazorPages();
        app.MapScoreApi();
        Stroma.Web.Features.Fhir.FhirApi.MapFhirApi(app);
        return app;
    }

    /// <summary>Identity's password rule: at least this many characters, with a digit, a lower- and an upper-case letter.</summary>
    public const int MinimumPasswordLength = 10;

    /// <summary>Failed sign-ins in a row that lock an account (for <see cref="SecurityOptions.LockoutBase"/>, doubling after).</summary>
    public const int MaxFailedSignIns = 5;

    /// <summary>The ticket item holding the instant of sign-in (Unix seconds), for the absolute session lifetime.</summary>
    private const string SessionStartedKey = "stroma.session_started";

    private static TimeProvider Clock(HttpContext context) => context.RequestServices.GetRequiredService<TimeProvider>();

    /// <summary>A signed-in session ends after this long without a request.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The age at which a signed-in request's cookie is written anew (moving its idle expiry on).</summary>
    public static readonly TimeSpan RenewAfter = TimeSpan.FromMinutes(1);

    private static string Actor(IServiceProvider services) =>
        services.GetRequiredService<IHttpContextAccessor>().HttpContext?.User.Identity?.Name ?? "anonymous";

    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase);
}
