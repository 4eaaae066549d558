using Stroma.Clinical.Issues;

namespace Stroma.Interop.Hl7;

/// <summary>One observation (OBX) of an ORU^R01 with the segments it belongs to.</summary>
/// <param name="Patient">Its patient identification segment (PID).</param>
/// <param name="Request">Its observation request (OBR), whose OBR-7 is the fallback specimen time.</param>
/// <param name="Observation">The OBX itself.</param>
/// <param name="Notes">Its NTE notes (NTE-3, unescaped), in order.</param>
public sealed record OruObservation(Hl7Segment Patient, Hl7Segment Request, Hl7Segment Observation, IReadOnlyList<string> Notes);

/// <summary>
/// The ORU^R01 message structure (HL7 v2.5.1 Chapter 7, section 7.3.1 "ORU – unsolicited transmission of an
/// observation message (event R01)"; the 2.3–2.4 structure is the same for the segments used here):
/// <code>
/// MSH [SFT...] { [PID [PD1] [NTE...] [NK1...] [PV1 [PV2]]] { [ORC] OBR [NTE...] [TQ1 [TQ2...]...] [CTD]
///   { [OBX [NTE...]] } [FT1...] [CTI...] [SPM [OBX...]]... } } [DSC]
/// </code>
/// Stroma needs the patient, so an OBR before any PID is refused; Z segments (site-defined) are allowed and ignored;
/// observations that follow an SPM (specimen observations, not results of the order) are refused rather than loaded
/// as results.
/// </summary>
public static class OruR01
{
    private enum Phase
    {
        Header,
        Patient,
        Order,
        Observation,
        Specimen,
    }

    /// <summary>The observations in message order, or the issues (HLV003) of a segment the structure does not allow there.</summary>
    public static (IReadOnlyList<OruObservation> Observations, IReadOnlyList<Issue> Issues) Read(Hl7Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var observations = new List<OruObservation>();
        var issues = new List<Issue>();
        var phase = Phase.Header;
        Hl7Segment? pid = null, obr = null;
        List<string>? notes = null;
        var orcPending = false;
        var sawDsc = false;
        foreach (var segment in message.Segments.Skip(1))
        {
            var id = segment.Id;
            string? wrong = null;
            if (sawDsc)
            {
                wrong = "nothing may follow the continuation pointer (DSC)";
            }
            else if (orcPending && id != "OBR" && !id.StartsWith('Z'))
            {
                wrong = "a common order (ORC) must be followed by its observation request (OBR)";
            }
            else
            {
                switch (id)
                {
                    case "SFT":
                        wrong = phase == Phase.Header ? null : "software segments (SFT) belong right after the MSH";
                        break;
                    case "PID":
                        wrong = phase == Phase.Patient ? "a patient (PID) with no observation request (OBR) before the next PID" : null;
                        (phase, pid, obr, notes) = (Phase.Patient, segment, null, null);
                        break;
                    case "PD1" or "NK1" or "PV1" or "PV2":
                        wrong = phase == Phase.Patient ? null : $"{id} belongs to the patient group, right after the PID";
                        break;
                    case "ORC":
                        wrong = pid is null ? "an order (ORC) before any patient (PID): Stroma needs the patient" : null;
                        orcPending = true;
                        break;
                    case "OBR":
                        wrong = pid is null ? "an observation request (OBR) before any patient (PID): Stroma needs the patient" : null;
                        (phase, obr, notes, orcPending) = (Phase.Order, segment, null, false);
                        break;
                    case "TQ1" or "TQ2" or "CTD":
                        wrong = phase == Phase.Order ? null : $"{id} belongs right after its OBR (and its notes)";
                        break;
                    case "OBX":
                        if (phase == Phase.Specimen)
                        {
                            wrong = "an observation after a specimen segment (SPM) describes the specimen, not a result; Stroma does not load it";
                        }
                        else if (phase is not (Phase.Order or Phase.Observation) || obr is null)
                        {
                            wrong = "an observation (OBX) must follow its observation request (OBR)";
                        }
                        else
                        {
                            phase = Phase.Observation;
                            notes = [];
                            observations.Add(new OruObservation(pid!, obr, segment, notes));
                        }

                        break;
                    case "NTE":
                        if (phase == Phase.Observation && notes is not null)
                        {
                            notes.Add(segment.Value(3));
                        }
                        else if (phase is Phase.Header)
                        {
                            wrong = "a note (NTE) must follow a PID, OBR or OBX";
                        }

                        break;
                    case "FT1" or "CTI":
                        wrong = phase is Phase.Order or Phase.Observation ? null : $"{id} belongs to an order group, after its observations";
                        break;
                    case "SPM":
                        wrong = phase is Phase.Order or Phase.Observation or Phase.Specimen ? null : "a specimen (SPM) belongs to an order group, after its observations";
                        phase = Phase.Specimen;
                        break;
                    case "DSC":
                        sawDsc = true;
                        break;
                    default:
                        wrong = id.StartsWith('Z') ? null : $"{id} is not a segment of the ORU^R01 message";
                        break;
                }
            }

            if (wrong is not null)
            {
                issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, $"{id}[{segment.Number}]", $"Segment {segment.Number} ({id}) is out of place: {wrong}."));
            }
        }

        if (issues.Count == 0 && (phase == Phase.Header || obr is null))
        {
            issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, "OBR", "The message has no patient (PID) with an observation request (OBR): there is nothing to load."));
        }
        else if (issues.Count == 0 && (phase == Phase.Patient || orcPending))
        {
            issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, "OBR", "The message ends with a patient (PID) or order (ORC) that has no observation request (OBR)."));
        }

        return (observations, issues);
    }
}
