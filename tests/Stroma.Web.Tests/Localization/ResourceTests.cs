// Source: docs/sources/README.md "Chinese terms for the bilingual UI" (SLEDAI-2K names); docs/web.md (language).
using System.Xml.Linq;
using Stroma.Clinical.Scoring;

namespace Stroma.Web.Tests.Localization;

public sealed class ResourceTests
{
    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(RepositoryRoot.Path, "src", "Stroma.Web", "Localization", file))
            .Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    [Fact]
    public void Text_EnglishAndChinese_HaveTheSameKeysAndNoBlankValue()
    {
        var english = Read("Text.resx");
        var chinese = Read("Text.zh-CN.resx");

        chinese.Keys.Order().ShouldBe(english.Keys.Order());
        english.Values.Concat(chinese.Values).ShouldAllBe(v => !string.IsNullOrWhiteSpace(v));
    }

    [Fact]
    public void Text_EveryLabPanelHasAHeading()
    {
        var english = Read("Text.resx");

        foreach (var panel in Enum.GetValues<Stroma.Clinical.Labs.LabPanel>())
        {
            english.ShouldContainKey($"panel.{panel}");
        }
    }

    [Fact]
    public void ItemNames_EveryKeyNamesARealInstrumentOrItem()
    {
        var keys = InstrumentCatalog.All.Select(i => $"instrument.{i.Key}")
            .Concat(InstrumentCatalog.All.SelectMany(i => i.Items.Select(item => $"item.{i.Key}.{item.Key}")))
            .Concat(Enum.GetValues<BilagSystem>().Select(s => $"bilag_system.{s}"))
            .ToHashSet();

        Read("ItemNames.zh-CN.resx").Keys.Where(k => !keys.Contains(k)).ShouldBeEmpty();
    }

    [Fact]
    public void ItemNames_EverySledai2kDescriptor_HasTheReferenceChineseName()
    {
        // The first name the reference lists for each descriptor.
        var expected = new Dictionary<string, string>
        {
            ["seizure"] = "癫痫发作",
            ["psychosis"] = "精神症状",
            ["organic_brain_syndrome"] = "器质性脑病综合征",
            ["visual_disturbance"] = "视觉障碍",
            ["cranial_nerve_disorder"] = "颅神经病变",
            ["lupus_headache"] = "狼疮性头痛",
            ["cerebrovascular_accident"] = "脑血管意外",
            ["vasculitis"] = "血管炎",
            ["arthritis"] = "关节炎",
            ["myositis"] = "肌炎",
            ["urinary_casts"] = "管型尿",
            ["hematuria"] = "血尿",
            ["proteinuria"] = "蛋白尿",
            ["pyuria"] = "脓尿",
            ["rash"] = "皮疹",
            ["alopecia"] = "脱发",
            ["mucosal_ulcers"] = "黏膜溃疡",
            ["pleurisy"] = "胸膜炎",
            ["pericarditis"] = "心包炎",
            ["low_complement"] = "低补体",
            ["increased_dna_binding"] = "抗dsDNA抗体升高",
            ["fever"] = "发热",
            ["thrombocytopenia"] = "血小板减少",
            ["leukopenia"] = "白细胞减少",
        };
        var names = Read("ItemNames.zh-CN.resx");

        Sledai2k.Descriptors.Select(d => d.Key).Order().ShouldBe(expected.Keys.Order());
        foreach (var (key, name) in expected)
        {
            names[$"item.sledai2k.{key}"].ShouldBe(name);
        }
    }
}
