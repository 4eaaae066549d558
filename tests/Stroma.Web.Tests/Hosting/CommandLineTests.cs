// Source: docs/web.md "Run" and "Configuration" (--port, --urls, the loopback default).
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Stroma.Web.Hosting;

namespace Stroma.Web.Tests.Hosting;

public sealed class CommandLineTests
{
    [Fact]
    public void Port_ListensOnLoopbackAtThatPort()
    {
        var builder = WebApplication.CreateBuilder(["--port", "8123"]);

        builder.AddStromaWeb();

        builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey).ShouldBe("http://127.0.0.1:8123");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    public void Port_NotAPortNumber_RefusedAtStart(string port)
    {
        var builder = WebApplication.CreateBuilder(["--port", port]);

        Should.Throw<ArgumentException>(() => builder.AddStromaWeb()).Message.ShouldContain("--port");
    }

    [Fact]
    public void Default_IsLoopbackPort5000FromAppsettings()
    {
        var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Stroma.Web", "appsettings.json")));

        settings.RootElement.GetProperty("Urls").GetString().ShouldBe("http://127.0.0.1:5000");
    }
}
