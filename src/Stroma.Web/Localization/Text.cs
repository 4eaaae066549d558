namespace Stroma.Web.Localization;

/// <summary>
/// Marker for the UI's strings: <c>Text.resx</c> (English) and <c>Text.zh-CN.resx</c> (Simplified Chinese) hold the
/// same keys (a test checks). Views inject <c>IStringLocalizer&lt;Text&gt;</c> as <c>T</c>.
/// </summary>
public sealed class Text;

/// <summary>
/// Marker for Chinese names of instruments and items: <c>ItemNames.zh-CN.resx</c>, keyed
/// <c>instrument.{key}</c> and <c>item.{instrument}.{item}</c>. Only names that a published Chinese source gives
/// are here (see docs/web.md); every other name shows in English, marked for translation review.
/// </summary>
public sealed class ItemNames;
