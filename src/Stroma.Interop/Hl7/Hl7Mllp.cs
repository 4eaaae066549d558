using System.Net;
using System.Net.Sockets;
using System.Text;
using Stroma.Clinical.Issues;
using Stroma.Data;

namespace Stroma.Interop.Hl7;

/// <summary>
/// The Minimal Lower Layer Protocol (HL7 Version 3 Standard: Transport Specification – MLLP, Release 2, and HL7 v2.5.1
/// Appendix C): each message is framed as a start block 0x0B, the message, then an end block 0x1C and a carriage
/// return 0x0D; the receiver answers each frame with the framed ACK on the same connection.
/// </summary>
public static class Mllp
{
    public const byte StartBlock = 0x0B;
    public const byte EndBlock = 0x1C;
    public const byte CarriageReturn = 0x0D;

    /// <summary>The largest frame accepted (a result message is a few kilobytes; this bounds memory per connection).</summary>
    public const int MaxFrame = 16 * 1024 * 1024;

    /// <summary>Frames <paramref name="message"/> (UTF-8).</summary>
    public static byte[] Frame(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = Encoding.UTF8.GetBytes(message);
        var frame = new byte[body.Length + 3];
        frame[0] = StartBlock;
        body.CopyTo(frame, 1);
        frame[^2] = EndBlock;
        frame[^1] = CarriageReturn;
        return frame;
    }

    /// <summary>
    /// Reads the next frame's message from <paramref name="stream"/>; null at the end of the stream. Bytes before a
    /// start block are skipped (MLLP's recovery rule); a frame longer than <see cref="MaxFrame"/> or cut off by the end
    /// of the stream throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static async Task<string?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }

            if (one[0] == StartBlock)
            {
                break;
            }
        }

        using var body = new MemoryStream();
        var previousEnd = false;
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new InvalidDataException("The connection closed inside an MLLP frame (no end block 0x1C 0x0D).");
            }

            if (previousEnd)
            {
                if (one[0] == CarriageReturn)
                {
                    return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
                }

                body.WriteByte(EndBlock);
            }

            previousEnd = one[0] == EndBlock;
            if (!previousEnd)
            {
                body.WriteByte(one[0]);
            }

            if (body.Length > MaxFrame)
            {
                throw new InvalidDataException($"An MLLP frame is longer than {MaxFrame} bytes.");
            }
        }
    }
}

/// <summary>
/// <c>stroma hl7 listen</c>: accepts MLLP connections on one address and port and loads each message as
/// <c>stroma import hl7</c> does, answering with its ACK on the wire. Messages are loaded one at a time (a laboratory
/// system sends the next after the ACK), each in its own transaction.
/// </summary>
public sealed class Hl7Listener(DataConfiguration configuration, string actor, Hl7ImportOptions options, TimeProvider clock) : IAsyncDisposable
{
    private readonly SemaphoreSlim one = new(1, 1);
    private TcpListener? listener;

    /// <summary>Called after each message with its outcome (for a log line).</summary>
    public Action<Hl7MessageOutcome>? Processed { get; init; }

    /// <summary>The bound endpoint (its port when 0 was asked for).</summary>
    public IPEndPoint? LocalEndpoint => listener?.LocalEndpoint as IPEndPoint;

    public void Start(IPAddress address, int port)
    {
        listener = new TcpListener(address, port);
        listener.Start();
    }

    /// <summary>Accepts connections until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var server = listener ?? throw new InvalidOperationException("Start the listener first.");
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await server.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
                connections.Add(ServeAsync(client, cancellationToken));
                connections.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            while (await Mllp.ReadAsync(stream, cancellationToken).ConfigureAwait(false) is { } text)
            {
                var read = Er7.ReadMessage(text);
                Hl7MessageOutcome outcome;
                await one.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await using var db = StromaDatabase.CreateContext(configuration, actor, clock);
                    outcome = await Hl7LabImport.ImportAsync(db, read, options, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    one.Release();
                }

                Processed?.Invoke(outcome);
                await stream.WriteAsync(Mllp.Frame(Hl7Ack.Write(read, outcome, clock.GetLocalNow())), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or SocketException)
        {
            // a connection that breaks or sends a broken frame is closed; the sender resends what was not acknowledged
            Processed?.Invoke(new Hl7MessageOutcome("", Hl7AckCode.AR, [Issue.Error(IssueCodes.Hl7Malformed, "MLLP", $"Connection closed: {e.Message}")], 0, 0, 0, 0));
        }
    }

    public ValueTask DisposeAsync()
    {
        listener?.Stop();
        listener?.Dispose();
        one.Dispose();
        return ValueTask.CompletedTask;
    }
}
