using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Stroma.Clinical.Labs;

namespace Stroma.Data.Labs;

/// <summary>
/// Stores a <see cref="LabFlag"/> as its name, with <see cref="LabFlag.None"/> (no range applied) written "Unknown",
/// the text the data layer's former copy of the enum stored, so existing rows, backups and exports keep their text.
/// </summary>
public sealed class LabFlagText() : ValueConverter<LabFlag, string>(
    flag => flag == LabFlag.None ? "Unknown" : flag.ToString(),
    text => text == "Unknown" ? LabFlag.None : Enum.Parse<LabFlag>(text));
