namespace Stroma.Clinical.Statistics;

/// <summary>
/// Right-censored survival data sorted once by time (O(n log n)), shared by <see cref="KaplanMeier"/> and
/// <see cref="LogRank"/>. Times are in whatever unit the caller uses (days, months); an event is a death, relapse
/// or other endpoint, otherwise the observation is censored at that time. Groups are compared (one curve each);
/// strata only adjust the log-rank test.
/// </summary>
public sealed class SurvivalData
{
    private SurvivalData(double[] times, int[] codes, string[] groups, string[] strata, int[] groupSizes)
    {
        Times = times;
        Codes = codes;
        GroupNames = groups;
        StratumNames = strata;
        GroupSizes = groupSizes;
    }

    /// <summary>Names of the groups, in the order of the group codes (one curve per group).</summary>
    public IReadOnlyList<string> GroupNames { get; }

    /// <summary>Names of the strata (one empty name when unstratified).</summary>
    public IReadOnlyList<string> StratumNames { get; }

    /// <summary>Number of observations.</summary>
    public int Count => Times.Length;

    /// <summary>Sorted times.</summary>
    internal double[] Times { get; }

    /// <summary>Per sorted observation: ((stratum · groups) + group) · 2 + event.</summary>
    internal int[] Codes { get; }

    internal int[] GroupSizes { get; }

    /// <summary>
    /// Builds the data. <paramref name="group"/> holds codes 0..groupNames.Count − 1 (null: one group);
    /// <paramref name="stratum"/> likewise for strata (null: unstratified).
    /// </summary>
    public static SurvivalData Create(ReadOnlySpan<double> time, ReadOnlySpan<bool> isEvent, ReadOnlySpan<int> group = default,
        IReadOnlyList<string>? groupNames = null, ReadOnlySpan<int> stratum = default, IReadOnlyList<string>? stratumNames = null)
    {
        var n = time.Length;
        Preconditions.Requires(isEvent.Length == n, "time and isEvent must have the same length.");
        var groups = groupNames?.ToArray() ?? [""];
        var strata = stratumNames?.ToArray() ?? [""];
        Preconditions.Requires(group.IsEmpty || group.Length == n, "group must be empty or as long as time.");
        Preconditions.Requires(stratum.IsEmpty || stratum.Length == n, "stratum must be empty or as long as time.");
        Preconditions.Requires((long)groups.Length * strata.Length * 2 < int.MaxValue, "Too many groups and strata.");
        var keys = time.ToArray();
        var codes = new int[n];
        var sizes = new int[groups.Length];
        for (var i = 0; i < n; i++)
        {
            var g = group.IsEmpty ? 0 : group[i];
            var s = stratum.IsEmpty ? 0 : stratum[i];
            Preconditions.Requires((uint)g < (uint)groups.Length && (uint)s < (uint)strata.Length, "Group or stratum code out of range.");
            Preconditions.Requires(!double.IsNaN(keys[i]), "Times must not be NaN (drop missing rows first).");
            sizes[g]++;
            codes[i] = ((((s * groups.Length) + g) * 2) + (isEvent[i] ? 1 : 0));
        }

        Array.Sort(keys, codes);
        return new SurvivalData(keys, codes, groups, strata, sizes);
    }
}
