using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Scoring;

/// <summary>
/// <c>POST /api/score/{instrument}</c>: a JSON object of documented item keys in, the score out (200), or the
/// issues as a ProblemDetails (422 invalid input, 400 malformed JSON, 404 unknown instrument, 415 not JSON).
/// <c>GET /api/instruments</c> lists the instruments and their item keys. Stateless: nothing is stored.
/// </summary>
public static class ScoreApi
{
    public static IEndpointRouteBuilder MapScoreApi(this IEndpointRouteBuilder app)
    {
        // The scoring calculator stores and reads no registry data: open without signing in, like the forms.
        var api = app.MapGroup("/api").AllowAnonymous();
        api.MapGet("/instruments", (Instruments instruments) => instruments.All.Select(InstrumentDto.From));
        api.MapPost("/score/{instrument}", ScoreAsync);
        return app;
    }

    private static async Task<IResult> ScoreAsync(string instrument, HttpRequest request, Instruments instruments, ClinicalText issueText)
    {
        if (instruments.Find(instrument) is not { } found)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown instrument",
                detail: $"No instrument has the key \"{instrument}\"; GET /api/instruments lists them.");
        }

        if (!request.HasJsonContentType())
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON expected",
                detail: "Send the items as a JSON object with Content-Type: application/json.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            return Invalid(found, StatusCodes.Status400BadRequest,
                [Issue.Error(IssueCodes.MalformedRecord, "", $"The body is not valid JSON: {e.Message}")], issueText);
        }

        using (document)
        {
            var (items, issues) = ItemValues.FromJson(document.RootElement);
            if (issues.Count > 0)
            {
                return Invalid(found, issues.Any(i => i.Code == IssueCodes.MalformedRecord) ? StatusCodes.Status400BadRequest
                    : StatusCodes.Status422UnprocessableEntity, issues, issueText);
            }

            var result = found.Score(items);
            return result.IsValid
                ? Results.Ok(ScoreDto.From(result, issueText, found))
                : Invalid(found, StatusCodes.Status422UnprocessableEntity, result.Issues, issueText);
        }
    }

    private static IResult Invalid(IInstrument instrument, int status, IReadOnlyList<Issue> issues, ClinicalText issueText) =>
        Results.Problem(new ProblemDetails
        {
            Status = status,
            Title = "The input has errors",
            Detail = string.Join(" ", issues.Where(i => i.IsError).Select(i => $"{i.Code}: {issueText.Describe(i, instrument)}")),
            Extensions =
            {
                ["instrument"] = instrument.Key,
                ["issues"] = issues.Select(i => IssueDto.From(i, issueText, instrument)).ToList(),
            },
        });
}

/// <summary>Builds raw item values from JSON: true/false, numbers, text, null. Anything else is an issue.</summary>
public static class ItemValues
{
    public static (Dictionary<string, ItemValue> Items, List<Issue> Issues) FromJson(JsonElement root)
    {
        var items = new Dictionary<string, ItemValue>(StringComparer.Ordinal);
        var issues = new List<Issue>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            issues.Add(Issue.Error(IssueCodes.MalformedRecord, "", $"The body must be a JSON object of item keys, not {root.ValueKind.ToString().ToLowerInvariant()}."));
            return (items, issues);
        }

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.True or JsonValueKind.False:
                    items[property.Name] = ItemValue.Of(value.GetBoolean());
                    break;
                case JsonValueKind.Number when value.TryGetDecimal(out var number):
                    items[property.Name] = ItemValue.Of(number);
                    break;
                case JsonValueKind.String:
                    items[property.Name] = ItemValue.Of(value.GetString());
                    break;
                case JsonValueKind.Null:
                    items[property.Name] = ItemValue.Null;
                    break;
                default:
                    issues.Add(Issue.Error(IssueCodes.WrongType, property.Name,
                        $"Item '{property.Name}': a JSON {value.ValueKind.ToString().ToLowerInvariant()} is not accepted; send true/false, a number, text or null."));
                    break;
            }
        }

        return (items, issues);
    }

    /// <summary>Raw values from a posted form: every value is text; blank means not entered.</summary>
    public static Dictionary<string, ItemValue> FromForm(IFormCollection form, IInstrument instrument)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(instrument);
        var items = new Dictionary<string, ItemValue>(StringComparer.Ordinal);
        foreach (var item in instrument.Items)
        {
            if (form.TryGetValue(item.Key, out var values) && !string.IsNullOrWhiteSpace(values.ToString()))
            {
                // A checkbox posts "true"; a repeated key (a tampered form) is kept whole so the reader refuses it.
                items[item.Key] = ItemValue.Of(values.Count == 1 ? values[0] : values.ToString());
            }
        }

        return items;
    }
}

/// <summary>One issue as the JSON API returns it; <c>message</c> is in the request's language.</summary>
public sealed record IssueDto(string Severity, string Code, string Path, string Message)
{
    public static IssueDto From(Issue issue, ClinicalText text, IInstrument instrument)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(text);
        return new(issue.Severity.ToString().ToLowerInvariant(), issue.Code, issue.Path, text.Describe(issue, instrument));
    }
}

/// <summary>The score as the JSON API returns it (mapped explicitly from <see cref="ScoreResult"/>).</summary>
public sealed record ScoreDto(
    string Instrument,
    string Algorithm,
    string Version,
    decimal? Total,
    string? Grade,
    IReadOnlyList<ContributionDto> Contributions,
    IReadOnlyList<SubtotalDto> Subtotals,
    string Explanation,
    IReadOnlyList<IssueDto> Issues)
{
    public static ScoreDto From(ScoreResult result, ClinicalText text, IInstrument instrument)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.Instrument, result.Algorithm, result.Version, result.Total, result.Grade,
            [.. result.Contributions.Select(c => new ContributionDto(c.Key, c.Label, c.Points, c.Note))],
            [.. result.Subtotals.Select(s => new SubtotalDto(s.Key, s.Label, s.Value, s.Grade))],
            result.Explanation,
            [.. result.Issues.Select(i => IssueDto.From(i, text, instrument))]);
    }
}

public sealed record ContributionDto(string Key, string Label, decimal Points, string? Note);

public sealed record SubtotalDto(string Key, string Label, decimal? Value, string? Grade);

/// <summary>An instrument and its documented items, for API clients and the forms.</summary>
public sealed record InstrumentDto(string Key, string Name, string Version, string Citation, IReadOnlyList<ItemDto> Items)
{
    public static InstrumentDto From(IInstrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return new(instrument.Key, instrument.Name, instrument.Version, instrument.Citation,
            [.. instrument.Items.Select(i => new ItemDto(i.Key, i.Label, i.Kind.ToString(), i.Required, i.Description, i.Min, i.Max, i.Choices))]);
    }
}

public sealed record ItemDto(string Key, string Label, string Kind, bool Required, string Description, decimal? Min, decimal? Max, IReadOnlyList<string> Choices);
