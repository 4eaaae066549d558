using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stroma.Clinical.Scoring;
using Stroma.Web.Features.Scoring;

namespace Stroma.Web.Features.Home;

/// <summary>The start page: the instruments that can be scored.</summary>
/// <remarks>Open without signing in: it stores and reads no registry data.</remarks>
[AllowAnonymous]
public sealed class IndexModel(Instruments instruments) : PageModel
{
    public IReadOnlyList<IInstrument> Instruments { get; } = instruments.All;
}
