// Source: docs/web.md "Language" (validation messages from Text.resx in the user's language).
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Stroma.Web.Tests.Localization;

public sealed class ValidationMessageTests(WebFactory factory) : IClassFixture<WebFactory>
{
    [Theory]
    [InlineData("en", "The value “abc” is not valid for Dose.")]
    [InlineData("zh-CN", "“abc”不是 Dose 的有效值。")]
    public void ModelBindingMessage_FollowsTheUiCulture(string culture, string expected)
    {
        var provider = factory.Services.GetRequiredService<IOptions<MvcOptions>>().Value.ModelBindingMessageProvider;
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo(culture);

            provider.AttemptedValueIsInvalidAccessor("abc", "Dose").ShouldBe(expected);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
