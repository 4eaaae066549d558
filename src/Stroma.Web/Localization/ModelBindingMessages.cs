using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Stroma.Web.Localization;

/// <summary>
/// Model-binding messages ("the value 'x' is not valid for y") from <see cref="Text"/>, so that validation messages
/// of typed page models are in the user's language too. DataAnnotations attributes take theirs from the same
/// resource: set <c>ErrorMessage</c> to a <c>validation.*</c> key.
/// </summary>
internal sealed class ModelBindingMessages(IStringLocalizerFactory factory) : IConfigureOptions<MvcOptions>
{
    public void Configure(MvcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = factory.Create(typeof(Text));
        DefaultModelBindingMessageProvider p = options.ModelBindingMessageProvider;
        p.SetAttemptedValueIsInvalidAccessor((value, field) => text["validation.value_invalid_for", value, field]);
        p.SetNonPropertyAttemptedValueIsInvalidAccessor(value => text["validation.value_invalid", value]);
        p.SetUnknownValueIsInvalidAccessor(field => text["validation.field_invalid", field]);
        p.SetNonPropertyUnknownValueIsInvalidAccessor(() => text["validation.invalid"]);
        p.SetValueIsInvalidAccessor(value => text["validation.value_invalid", value]);
        p.SetValueMustBeANumberAccessor(field => text["validation.must_be_number", field]);
        p.SetNonPropertyValueMustBeANumberAccessor(() => text["validation.must_be_number_plain"]);
        p.SetValueMustNotBeNullAccessor(value => text["validation.required_value", value]);
        p.SetMissingBindRequiredValueAccessor(field => text["validation.required_field", field]);
        p.SetMissingKeyOrValueAccessor(() => text["validation.required_plain"]);
        p.SetMissingRequestBodyRequiredValueAccessor(() => text["validation.body_required"]);
    }
}
