using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Stroma.Web.Tests;

/// <summary>The app in memory, as <c>dotnet run</c> would start it (Production settings, the real instrument catalog).</summary>
public sealed class WebFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseEnvironment("Production");

    public HttpClient Client(string? language = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (language is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        }

        return client;
    }
}

/// <summary>Small helpers for reading pages and posting forms the way a browser does.</summary>
public static partial class Html
{
    /// <summary>The antiforgery token of the first form on the page.</summary>
    public static string Token(string html)
    {
        var match = TokenPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token on the page.");
    }

    /// <summary>GETs the page, then POSTs the fields with its antiforgery token (the client keeps the cookie).</summary>
    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, params (string Key, string Value)[] fields) =>
        PostFormAsync(client, path, path, fields);

    /// <summary>GETs <paramref name="pagePath"/>, then POSTs the fields with its token to <paramref name="postPath"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string postPath, params (string Key, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetStringAsync(new Uri(pagePath, UriKind.Relative));
        var body = fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).Append(new("__RequestVerificationToken", Token(page)));
        using var content = new FormUrlEncodedContent(body);
        return await client.PostAsync(new Uri(postPath, UriKind.Relative), content);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
