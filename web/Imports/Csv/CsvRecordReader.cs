using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace MonitorGrid.Web.Imports.Csv;

/// <summary>
/// Reads RFC 4180 records from a stream as it arrives, holding only a buffer and the record being read, so
/// that a file of millions of rows streams in bounded memory.
/// </summary>
/// <remarks>
/// <para>
/// The encoding is UTF-8 or GB18030 (what Chinese Excel saves as CSV): given, or detected from a UTF-8
/// byte-order mark or, without one, from whether the file's start (up to 64 KB, less once it decides) is
/// valid UTF-8. A byte-order mark is never part of the first field. Bytes that are not valid in the encoding are read as U+FFFD and their
/// record is marked <see cref="CsvRecord.InvalidText"/>.
/// </para>
/// <para>
/// Fields are comma-separated and may be quoted; a quote inside a quoted field is doubled, and a quoted
/// field may hold commas and line breaks. CRLF, LF and a lone CR end a line. Lines that are empty or only
/// whitespace are skipped but still count as rows, as a spreadsheet shows them. A malformed record is
/// returned with a <see cref="CsvRecord.Problem"/> and reading goes on: text after a closing quote stays in
/// its field, and a quote that is never closed (before the end of the file, or within
/// <see cref="MaxFieldLength"/> characters) is read as an ordinary character, so the lines after it are
/// records again. No field keeps more than <see cref="MaxFieldLength"/> characters and no record more
/// than <see cref="MaxRecordLength"/>.
/// </para>
/// <para>
/// Disposing the reader does not close the stream: whoever opened the stream closes it. One reader is read
/// by one caller at a time; only <see cref="BytesRead"/> may be read from another thread meanwhile.
/// </para>
/// </remarks>
public sealed class CsvRecordReader : IAsyncDisposable, IDisposable
{
    /// <summary>How many bytes at the start of a file decide its encoding when it has no byte-order mark.</summary>
    public const int SniffLength = 64 * 1024;

    /// <summary>Detection stops reading once this much has come, even without non-ASCII text yet.</summary>
    public const int SniffEnough = 8 * 1024;

    /// <summary>The most characters a field keeps: Excel's limit for a cell.</summary>
    public const int MaxFieldLength = 32_767;

    /// <summary>The most characters a record keeps, counting one separator per field.</summary>
    public const int MaxRecordLength = 1024 * 1024;

    private const string Utf8Name = "utf-8";
    private const string Gb18030Name = "gb18030";
    private const int CharBufferLength = 32 * 1024;
    private const char ByteOrderMark = '\uFEFF';
    private const char Replacement = '\uFFFD';
    private const string UnterminatedQuote = "引号未闭合";
    private const string TextAfterQuote = "引号闭合后还有多余字符";

    private static readonly string FieldTooLong = $"单元格超过 {MaxFieldLength} 个字符，超出部分已忽略";
    private static readonly string RecordTooLong = $"这一行超过 {MaxRecordLength} 个字符，超出部分已忽略";
    private static readonly Encoding Utf8Replacing = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private static readonly Encoding Gb18030Replacing = LoadGb18030();
    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\r\n");

    private readonly Stream _stream;
    private readonly Decoder _decoder;
    private readonly byte[] _bytes;
    private readonly char[] _chars = new char[CharBufferLength];
    private readonly StringBuilder _field = new();
    private readonly List<string> _fields = [];
    private int _byteStart;
    private int _byteEnd;
    private bool _streamEnded;
    private bool _decoderFlushed;
    private bool _startChecked;
    private long _bytesRead;
    private int _charPos;
    private int _charEnd;

    // Text read again before the decoded buffer: what followed a quote that turned out never to close.
    private char[] _pending = [];
    private int _pendingPos;

    private State _state;
    private int _recordLength;
    private bool _lineBlank = true;
    private bool _skipLineFeed;
    private bool _invalidText;
    private string? _problem;
    private int _nextRow = 1;
    private bool _disposed;

    private CsvRecordReader(Stream stream, Encoding encoding, string encodingName, byte[] bytes, int length, bool streamEnded)
    {
        _stream = stream;
        _decoder = encoding.GetDecoder();
        EncodingName = encodingName;
        _bytes = bytes;
        _byteEnd = length;
        _bytesRead = length;
        _streamEnded = streamEnded;
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
        AfterClosingQuote,
    }

    private enum Step
    {
        NeedInput,
        Record,
        UnterminatedQuote,
    }

    /// <summary>The encoding the file is read in: <c>utf-8</c> or <c>gb18030</c>.</summary>
    public string EncodingName { get; }

    /// <summary>Bytes taken from the stream so far (the sniffed ones included), for progress; safe to read from any thread.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Opens a reader on <paramref name="stream"/>. Without an encoding the file's start is read to detect
    /// it (up to 64 KB, or less once non-ASCII text or 8 KB have come); it is read again as the file's start.
    /// </summary>
    /// <param name="stream">The file, read forward only.</param>
    /// <param name="encoding">Null or <c>auto</c> to detect; <c>utf-8</c>/<c>utf8</c> or <c>gb18030</c>/<c>gbk</c> (any case) to force one.</param>
    /// <param name="cancellationToken">Stops the detection read.</param>
    /// <exception cref="ArgumentException">The encoding is none of those.</exception>
    public static async Task<CsvRecordReader> OpenAsync(Stream stream, string? encoding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = new byte[SniffLength];
        if (Forced(encoding) is { } chosen)
        {
            return new CsvRecordReader(stream, chosen.Encoding, chosen.Name, bytes, 0, streamEnded: false);
        }

        // Read until the bytes decide: a slow upload must not hold the first rows back until 64 KB have come.
        // Enough has come once non-ASCII text is seen with a little after it (Chinese in a header or name
        // tells UTF-8 from GB18030), or once SniffEnough bytes are in (a pure-ASCII start decides nothing).
        var length = 0;
        var ended = false;
        while (length < SniffLength)
        {
            var read = await stream.ReadAsync(bytes.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                ended = true;
                break;
            }

            length += read;
            var firstNonAscii = bytes.AsSpan(0, length).IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (length >= SniffEnough || (firstNonAscii >= 0 && length - firstNonAscii >= 64))
            {
                break;
            }
        }

        var sniffed = bytes.AsSpan(0, length);
        return sniffed.StartsWith(Utf8Bom) || IsUtf8(sniffed, ended)
            ? new CsvRecordReader(stream, Utf8Replacing, Utf8Name, bytes, length, ended)
            : new CsvRecordReader(stream, Gb18030Replacing, Gb18030Name, bytes, length, ended);
    }

    /// <summary>The next record, or null at the end of the file.</summary>
    public async ValueTask<CsvRecord?> ReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Step step;
            CsvRecord? record;
            if (_pendingPos < _pending.Length)
            {
                step = Scan(_pending.AsSpan(_pendingPos), out var consumed, out record);
                _pendingPos += consumed;
            }
            else if (_charPos < _charEnd)
            {
                step = Scan(_chars.AsSpan(_charPos, _charEnd - _charPos), out var consumed, out record);
                _charPos += consumed;
            }
            else if (await FillAsync(cancellationToken))
            {
                continue;
            }
            else if (_state == State.Quoted)
            {
                step = Step.UnterminatedQuote;
                record = null;
            }
            else
            {
                return EndOfFile();
            }

            if (step == Step.Record)
            {
                return record;
            }

            if (step == Step.UnterminatedQuote)
            {
                ReadQuoteAsText();
            }
        }
    }

    /// <summary>Marks the reader finished; the stream stays open.</summary>
    public void Dispose() => _disposed = true;

    /// <summary>Marks the reader finished; the stream stays open.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The name of an encoding a caller may ask for, as the reader names it (<c>utf-8</c> or <c>gb18030</c>),
    /// or null to detect it (null, blank or <c>auto</c>: a form's empty choice); false for a name the reader
    /// does not know. <see cref="OpenAsync"/> itself takes only null for detection besides <c>auto</c>.
    /// </summary>
    public static bool TryNormalizeEncoding(string? encoding, out string? name)
    {
        var known = TryForced(string.IsNullOrWhiteSpace(encoding) ? null : encoding, out var forced);
        name = forced?.Name;
        return known;
    }

    private static (Encoding Encoding, string Name)? Forced(string? encoding) =>
        TryForced(encoding, out var forced)
            ? forced
            : throw new ArgumentException($"Unknown encoding '{encoding}': use utf-8, gb18030, or null or 'auto' to detect it.", nameof(encoding));

    private static bool TryForced(string? encoding, out (Encoding Encoding, string Name)? forced)
    {
        var name = encoding?.Trim();
        forced = null;
        if (name is null || Is(name, "auto"))
        {
            return true;
        }

        if (Is(name, Utf8Name) || Is(name, "utf8"))
        {
            forced = (Utf8Replacing, Utf8Name);
        }
        else if (Is(name, Gb18030Name) || Is(name, "gbk"))
        {
            forced = (Gb18030Replacing, Gb18030Name);
        }

        return forced is not null;

        static bool Is(string name, string known) => name.Equals(known, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether the bytes are strict UTF-8. When the stream goes on after them, a character cut off at the
    /// end is judged by the bytes it has so far.
    /// </summary>
    private static bool IsUtf8(ReadOnlySpan<byte> bytes, bool complete)
    {
        Span<char> scratch = stackalloc char[1024];
        while (true)
        {
            var status = Utf8.ToUtf16(bytes, scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: complete);
            switch (status)
            {
                case OperationStatus.DestinationTooSmall:
                    bytes = bytes[read..];
                    break;
                case OperationStatus.InvalidData:
                    return false;
                default:
                    return true;
            }
        }
    }

    private static Encoding LoadGb18030()
    {
        // In the shared framework since .NET Core 3.0, but only usable once registered.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        // Code pages replace what they cannot decode with '?', which would pass for text: U+FFFD can be told apart.
        return Encoding.GetEncoding(54936, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback(Replacement.ToString()));
    }

    /// <summary>Decodes more of the stream into the character buffer; false when the stream and the decoder are done.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_byteStart < _byteEnd || (_streamEnded && !_decoderFlushed))
            {
                _decoder.Convert(
                    _bytes.AsSpan(_byteStart, _byteEnd - _byteStart), _chars, flush: _streamEnded,
                    out var bytesUsed, out var charsUsed, out var completed);
                _byteStart += bytesUsed;
                _decoderFlushed = _streamEnded && completed && _byteStart == _byteEnd;
                _charPos = 0;
                _charEnd = charsUsed;
                if (!_startChecked && charsUsed > 0)
                {
                    _startChecked = true;
                    if (_chars[0] == ByteOrderMark)
                    {
                        _charPos = 1;
                    }
                }

                if (_charPos < _charEnd)
                {
                    return true;
                }

                continue;
            }

            if (_streamEnded)
            {
                return false;
            }

            var read = await _stream.ReadAsync(_bytes, cancellationToken);
            _byteStart = 0;
            _byteEnd = read;
            _streamEnded = read == 0;
            Interlocked.Add(ref _bytesRead, read);
        }
    }

    /// <summary>
    /// Reads the record on from <paramref name="input"/> until it ends (<see cref="Step.Record"/>), the input
    /// runs out, or an open quote has grown past what a field may hold.
    /// </summary>
    private Step Scan(ReadOnlySpan<char> input, out int consumed, out CsvRecord? record)
    {
        record = null;
        var i = 0;
        if (_skipLineFeed)
        {
            // The CR that ended the last record came at the end of the previous buffer.
            _skipLineFeed = false;
            if (input[0] == '\n')
            {
                i = 1;
            }
        }

        while (i < input.Length)
        {
            var ending = '\0';
            switch (_state)
            {
                case State.FieldStart:
                    if (input[i] == '"')
                    {
                        _lineBlank = false;
                        _state = State.Quoted;
                        i++;
                    }
                    else
                    {
                        _state = State.Unquoted;
                    }

                    break;
                case State.Unquoted:
                    {
                        var rest = input[i..];
                        var stop = rest.IndexOfAny(UnquotedStops);
                        var text = stop < 0 ? rest : rest[..stop];
                        if (_lineBlank && !text.IsWhiteSpace())
                        {
                            _lineBlank = false;
                        }

                        AppendOrTruncate(text);
                        if (stop < 0)
                        {
                            i = input.Length;
                        }
                        else
                        {
                            ending = rest[stop];
                            i += stop + 1;
                        }

                        break;
                    }

                case State.Quoted:
                    {
                        var rest = input[i..];
                        var quote = rest.IndexOf('"');
                        var text = quote < 0 ? rest : rest[..quote];
                        if (text.Length > Room())
                        {
                            consumed = i;
                            return Step.UnterminatedQuote;
                        }

                        _field.Append(text);
                        if (quote < 0)
                        {
                            i = input.Length;
                        }
                        else
                        {
                            _state = State.QuoteInQuoted;
                            i += quote + 1;
                        }

                        break;
                    }

                case State.QuoteInQuoted:
                    if (input[i] != '"')
                    {
                        _state = State.AfterClosingQuote;
                    }
                    else if (Room() < 1)
                    {
                        consumed = i;
                        return Step.UnterminatedQuote;
                    }
                    else
                    {
                        _field.Append('"');
                        _state = State.Quoted;
                        i++;
                    }

                    break;
                case State.AfterClosingQuote:
                    {
                        var c = input[i];
                        if (c is ',' or '\r' or '\n')
                        {
                            ending = c;
                            i++;
                        }
                        else if (c is ' ' or '\t')
                        {
                            // Spaces after the closing quote are what hand-edited files have: kept, as the field is, but not a problem.
                            AppendOrTruncate(input.Slice(i, 1));
                            i++;
                        }
                        else
                        {
                            // As Excel does: the rest runs on as plain text in the same field.
                            AddProblem(TextAfterQuote);
                            _state = State.Unquoted;
                        }

                        break;
                    }
            }

            if (ending == ',')
            {
                _lineBlank = false;
                EndField();
            }
            else if (ending != '\0')
            {
                if (ending == '\r')
                {
                    if (i == input.Length)
                    {
                        _skipLineFeed = true;
                    }
                    else if (input[i] == '\n')
                    {
                        i++;
                    }
                }

                record = EndLine();
                if (record is not null)
                {
                    consumed = i;
                    return Step.Record;
                }
            }
        }

        consumed = i;
        return Step.NeedInput;
    }

    /// <summary>How many more characters the current field may take.</summary>
    private int Room() => Math.Min(MaxFieldLength - _field.Length, MaxRecordLength - _recordLength - _field.Length - 1);

    private void AppendOrTruncate(ReadOnlySpan<char> text)
    {
        var room = Room();
        if (text.Length > room)
        {
            AddProblem(_field.Length + text.Length > MaxFieldLength ? FieldTooLong : RecordTooLong);
            text = text[..Math.Max(room, 0)];
        }

        _field.Append(text);
    }

    private void EndField()
    {
        var text = _field.ToString();
        _field.Clear();
        _state = State.FieldStart;
        if (_recordLength + text.Length + 1 > MaxRecordLength)
        {
            AddProblem(RecordTooLong);
            return;
        }

        _recordLength += text.Length + 1;
        _invalidText |= text.Contains(Replacement);
        _fields.Add(text);
    }

    /// <summary>Ends the line: the record it holds, or null for a blank line (which still takes its row).</summary>
    private CsvRecord? EndLine()
    {
        var row = _nextRow++;
        CsvRecord? record = null;
        if (!_lineBlank)
        {
            EndField();
            record = new CsvRecord(row, [.. _fields]) { InvalidText = _invalidText, Problem = _problem };
        }

        StartLine();
        return record;
    }

    private CsvRecord? EndOfFile()
    {
        if (_lineBlank)
        {
            StartLine();
            return null;
        }

        return EndLine();
    }

    private void StartLine()
    {
        _fields.Clear();
        _field.Clear();
        _state = State.FieldStart;
        _recordLength = 0;
        _lineBlank = true;
        _invalidText = false;
        _problem = null;
    }

    /// <summary>
    /// Takes back an opening quote that never closed: the quote becomes an ordinary character and what
    /// followed it is read again, so that one stray quote costs one row rather than the rest of the file.
    /// </summary>
    private void ReadQuoteAsText()
    {
        // Inside the quotes every quote read was half of a doubled pair (a single one would have closed the
        // field), so doubling them again gives back the text as it was written.
        var written = new StringBuilder(_field.Length + 1).Append(_field).Replace("\"", "\"\"");
        if (_state == State.QuoteInQuoted)
        {
            written.Append('"');
        }

        var rest = _pending.AsSpan(_pendingPos);
        var pending = new char[written.Length + rest.Length];
        written.CopyTo(0, pending, written.Length);
        rest.CopyTo(pending.AsSpan(written.Length));
        _pending = pending;
        _pendingPos = 0;

        _field.Clear().Append('"');
        _state = State.Unquoted;
        AddProblem(UnterminatedQuote);
    }

    private void AddProblem(string problem)
    {
        if (_problem is null)
        {
            _problem = problem;
        }
        else if (!_problem.Contains(problem, StringComparison.Ordinal))
        {
            _problem += "；" + problem;
        }
    }
}
