using Microsoft.AspNetCore.Mvc.Filters;

namespace Stroma.Web.Hosting;

/// <summary>
/// A bound <see cref="bool"/> that did not bind (a posted <c>IsAdministrator=A</c>) keeps its error but has its
/// attempted value cleared before the page is shown again: ASP.NET Core's checkbox tag helper parses the attempted value
/// with <see cref="bool.Parse(string)"/> when it redraws the form, so the raw text would turn the field error into a 500
/// (found by the form fuzz test, issue #21).
/// </summary>
internal sealed class CheckboxModelState : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var modelState = context.ModelState;
        foreach (var property in context.ActionDescriptor.BoundProperties)
        {
            if (property.ParameterType != typeof(bool) && property.ParameterType != typeof(bool?))
            {
                continue;
            }

            var key = property.BindingInfo?.BinderModelName ?? property.Name;
            if (modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 && !Parses(entry.AttemptedValue))
            {
                modelState.SetModelValue(key, rawValue: null, attemptedValue: null);
            }
        }
    }

    private static bool Parses(string? attempted) =>
        attempted is null || attempted.Split(',').All(v => bool.TryParse(v, out _));
}
