using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace MultiAgg.Runtime;

/// <summary>
/// The window behind the generated code of an async <c>[Aggregate]</c> method with a <see cref="ParallelOptions"/>
/// parameter (DESIGN.md §7): at most <see cref="ParallelOptions.MaxDegreeOfParallelism"/> elements are evaluated at a
/// time (their selectors, filters and key, on the options' <see cref="TaskScheduler"/>), and the generated loop takes
/// their values back to fold them, in source order or in the order they complete.
/// </summary>
/// <typeparam name="T">The source's elements.</typeparam>
/// <typeparam name="TValues">What one element's evaluation gives: a struct generated beside the method.</typeparam>
/// <remarks>
/// <para>
/// The loop starts an element only while fewer than the limit are pending (started and not yet taken), so it reads
/// the source no further ahead than that, and memory stays O(limit) however long the source. In source order a slow
/// element holds back the elements after it (their values wait in the window, and no new element starts until it is
/// taken); in completion order nothing waits for it.
/// </para>
/// <para>
/// Evaluations receive a token linked to <see cref="Token"/>, itself linked to the options' token and the method's
/// own. The first failure (a selector's exception, or the <see cref="OperationCanceledException"/> of a cancelled
/// options or method token) cancels it, and <see cref="TakeAsync"/> (or else <see cref="StopAsync"/>) rethrows it unwrapped; the cancellations
/// it causes are not failures. A failure that comes once the options' or the method's token was cancelled is that
/// cancellation, as the sequential loop would have stopped there first: an <see cref="OperationCanceledException"/>
/// whose inner exception is the failure. The source's own failure cancels nothing: it comes after the elements started before it,
/// which are taken first, as the sequential loop would fold them before it read further. When the loop has all it needs it calls <see cref="Finish"/>, after which nothing
/// fails; <see cref="StopAsync"/>, called whenever the loop ends, cancels the evaluations still running and waits for
/// them to end; evaluations queued on the scheduler and not yet begun never begin, and are not waited for.
/// </para>
/// <para>
/// An asynchronous source is read through <see cref="WhenMovedAsync"/>: while its next element keeps the loop waiting,
/// values done meanwhile are taken and folded, and a move still pending when the loop ends is cancelled and waited out
/// by <see cref="AbandonMoveAsync"/>.
/// </para>
/// <para>
/// One loop uses a window: its members are called one at a time, never concurrently. Generated code calls this; it is
/// public only for that, and may change between versions.
/// </para>
/// <para>
/// What each element passes through takes no lock: the loop alone writes what it starts and takes (the counts, the
/// ring), an evaluation publishes its own values, and the loop waits on a task an evaluation completes only when what
/// the loop waits for holds (<see cref="Wait"/>, <see cref="WakeIfWaitOver"/>). A lock orders only the rare events: a
/// failure, and the loop's ending.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EvaluationWindow<T, TValues>
{
    private static readonly Action<object?> RunOnScheduler = static evaluation => ((Evaluation)evaluation!).Run();
    private static readonly Task<bool> Moved = Task.FromResult(true);
    private static readonly Task<bool> NotMoved = Task.FromResult(false);

    private static readonly Action<object?> WakeOnCancellation = static window => ((EvaluationWindow<T, TValues>)window!).WakeIfWaitOver();
    private static readonly Action<Task<bool>, object?> OnMoveEnded = static (move, window) => ((EvaluationWindow<T, TValues>)window!).MoveEnded(move);

    /// <summary>Orders the failures and the loop's ending (<see cref="Fail"/>, <see cref="Finish"/>, <see cref="Observe"/>): never taken per element.</summary>
    private readonly object _gate = new();
    private readonly Func<T, CancellationToken, Task<TValues>> _evaluate;
    private readonly TaskScheduler _scheduler;
    private readonly CancellationToken _optionsToken;
    private readonly CancellationToken _methodToken;
    private readonly CancellationTokenSource _cancellation;

    /// <summary>
    /// The evaluations' own token, linked to <see cref="_cancellation"/>: the loop that has every value it needs cancels
    /// the evaluations at once (<see cref="Finish"/>), and an asynchronous source only once it is disposed, whose
    /// cleanup may still use its token.
    /// </summary>
    private readonly CancellationTokenSource _evaluations;
    private readonly int _limit;

    /// <summary>
    /// In source order: the pending elements' evaluations, by element number modulo the ring's length, each holding its
    /// values once done. Only the loop reads or writes the ring; it grows with the pending elements, up to the limit
    /// (which may be <see cref="int.MaxValue"/>).
    /// </summary>
    private Evaluation?[]? _ring;

    /// <summary>In completion order: the evaluations done and not yet taken, oldest first, each holding its values.</summary>
    private readonly ConcurrentQueue<Evaluation>? _completed;

    /// <summary>
    /// Evaluations whose values the loop has taken, to start the next elements with (the loop's own): an element's
    /// evaluation, its continuation and its values are allocated once per pending element, not once per element.
    /// </summary>
    private Evaluation[] _idle;
    private int _idleCount;

    /// <summary>The elements started: written by the loop alone.</summary>
    private long _started;

    /// <summary>The elements taken: written by the loop alone (<see cref="Volatile"/>), read by evaluations deciding whether to wake it.</summary>
    private long _taken;

    /// <summary>Evaluations begun and not yet ended (and the watched move), counted with <see cref="Interlocked"/>: <see cref="StopAsync"/> waits for 0.</summary>
    private int _running;

    /// <summary>Set by the loop as it ends (<see cref="Finish"/>, <see cref="AbandonMoveAsync"/>, <see cref="StopAsync"/>): no evaluation begins from then on, and what fails does not count.</summary>
    private volatile bool _stopping;
    private bool _finished;
    private volatile ExceptionDispatchInfo? _failure;

    /// <summary>
    /// The source's failure (its move or its <c>Current</c> threw). It comes after every element started before it, as
    /// the sequential loop folds those before it reads further: they are not cancelled, their values are taken first and
    /// may decide the results, and it is rethrown (as <see cref="_failure"/>) only once none is pending.
    /// </summary>
    private volatile ExceptionDispatchInfo? _sourceFailure;

    /// <summary>What the loop throws as it ends (<see cref="Observe"/>), or the failure <see cref="TakeAsync"/> rethrew to it.</summary>
    private Exception? _propagating;

    /// <summary>Whether <see cref="Observe"/> has seen the loop's exception (later ones come from winding down).</summary>
    private bool _observed;

    /// <summary>The kept failure <see cref="Read"/> threw last: the fold's own, whatever its type.</summary>
    private Exception? _read;

    /// <summary>
    /// The loop, waiting in <see cref="TakeAsync"/>, <see cref="WhenMovedAsync"/> or <see cref="StopAsync"/> for what
    /// <see cref="IsWaitOver"/> says; whoever takes it out (<see cref="Interlocked.CompareExchange{T}(ref T, T, T)"/>)
    /// completes it. A wait the loop gave up (its source's move ended first) may stay: completing it later wakes no one.
    /// </summary>
    private TaskCompletionSource<bool>? _waiter;

    /// <summary>The asynchronous source's pending move whose failure <see cref="WhenMovedAsync"/> watches for.</summary>
    private Task<bool>? _watchedMove;

    /// <summary>A window for one run of a method.</summary>
    /// <param name="options">The method's options: the limit (−1 for <see cref="Environment.ProcessorCount"/>), token and scheduler.</param>
    /// <param name="cancellationToken">The method's own token, if it has one.</param>
    /// <param name="inSourceOrder">Whether values are taken in the order their elements were started, or as they complete.</param>
    /// <param name="evaluate">One element's evaluation, given a token linked to <see cref="Token"/>.</param>
    public EvaluationWindow(ParallelOptions options, CancellationToken cancellationToken, bool inSourceOrder, Func<T, CancellationToken, Task<TValues>> evaluate)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        _evaluate = evaluate ?? throw new ArgumentNullException(nameof(evaluate));

        // As Parallel's own loops: -1 is "no limit but the machine's", a null scheduler is the current one.
        _limit = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount;
        _scheduler = options.TaskScheduler ?? TaskScheduler.Current;
        (_optionsToken, _methodToken) = (options.CancellationToken, cancellationToken);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(_optionsToken, _methodToken);
        _evaluations = CancellationTokenSource.CreateLinkedTokenSource(_cancellation.Token);
        if (_optionsToken.CanBeCanceled || _methodToken.CanBeCanceled)
        {
            // A caller's cancellation with no evaluation under way ends the loop's wait itself: evaluations a busy
            // scheduler has queued but not begun would not end it until that scheduler runs them, which may be never.
            // (Disposing _cancellation in StopAsync ends the registration.)
            _cancellation.Token.Register(WakeOnCancellation, this);
        }

        _idle = new Evaluation[Math.Min(_limit, 16)];
        if (inSourceOrder)
        {
            _ring = new Evaluation?[_idle.Length];
        }
        else
        {
            _completed = new ConcurrentQueue<Evaluation>();
        }
    }

    /// <summary>
    /// The token an asynchronous source is given, and evaluations through a token linked to it: cancelled when the
    /// options' or the method's token is, on the first failure, and when the loop stops with evaluations still running
    /// (the evaluations' already when the loop has every value it needs).
    /// </summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Whether another element may start: fewer than the limit are pending, and neither one nor the source has failed.</summary>
    public bool HasRoom => _failure is null && _sourceFailure is null && _started - _taken < _limit;

    /// <summary>
    /// Whether the loop has nothing more to take: every element started has been taken, and no failure is recorded (an
    /// evaluation's, or the source's, which belongs to no element; once <see cref="TakeAsync"/> has rethrown one, the
    /// loop has ended).
    /// </summary>
    public bool IsEmpty => _started == _taken && _failure is null && _sourceFailure is null;

    /// <summary>
    /// Queues the evaluation of <paramref name="element"/> on the options' scheduler; throws
    /// <see cref="OperationCanceledException"/> if the options' or the method's token is cancelled.
    /// </summary>
    /// <exception cref="InvalidOperationException">The window is full (<see cref="HasRoom"/> is false) or has stopped.</exception>
    public void Start(T element)
    {
        _optionsToken.ThrowIfCancellationRequested();
        _methodToken.ThrowIfCancellationRequested();
        if (_stopping || _started - _taken >= _limit)
        {
            throw new InvalidOperationException(_stopping ? "The window has stopped." : "The window is full: take a value first.");
        }

        var ring = _ring;
        if (ring is not null && _started - _taken == ring.Length)
        {
            ring = GrowRing();
        }

        var evaluation = _idleCount > 0 ? _idle[--_idleCount] : new Evaluation(this);
        evaluation.Element = element;
        if (ring is not null)
        {
            ring[(int)(_started % ring.Length)] = evaluation;
        }

        try
        {
            // A task even on the default scheduler: queued from a pool thread it goes to that thread's own queue, which
            // measured faster than a work item on the global queue (3.2 s against 3.9 s for 3 million evaluations).
            _ = Task.Factory.StartNew(RunOnScheduler, evaluation, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler);
        }
        catch
        {
            // The scheduler refused it: not counted as started, and not kept for a later element (what a scheduler that
            // throws did with it is its own).
            if (ring is not null)
            {
                ring[(int)(_started % ring.Length)] = null;
            }

            throw;
        }

        _started++;
    }

    /// <summary>
    /// A value an evaluation stored, read where the generated loop would have called its selector: what the selector
    /// threw instead, kept by the evaluation, is thrown here, so it counts only if the loop reads the value (the
    /// attribute still undecided), as in the sequential loop, and it is the fold's own failure (<see cref="Observe"/>).
    /// </summary>
    public TValue Read<TValue>(TValue value, ExceptionDispatchInfo? failure)
    {
        if (failure is not null)
        {
            _read = failure.SourceException;
            failure.Throw();
        }

        return value;
    }

    /// <summary>
    /// Moves a synchronous source to its next element and reads it. A source that throws (from <c>MoveNext</c>, or from
    /// <c>Current</c>, as a reader that parses the row it moved to may) has no next element, and its failure comes after
    /// the elements started before it: their values are still taken first, and may decide the results, as the sequential
    /// loop would have folded them before it read further.
    /// </summary>
    public bool MoveNext(IEnumerator<T> source, out T current)
    {
        if (source is null) throw new ArgumentNullException(nameof(source));
        try
        {
            if (source.MoveNext())
            {
                current = source.Current;
                return true;
            }
        }
        catch (Exception failure)
        {
            FailSource(failure);
        }

        current = default!;
        return false;
    }

    /// <summary>
    /// Waits for an asynchronous source's pending <c>MoveNextAsync</c> to end (true), unless a value to take, or a
    /// failure, is ready first (false): then the loop folds what is done while the source keeps it waiting (a live
    /// stream gone quiet), and takes the same move up again afterwards. Without it, results decided (or a failure met)
    /// meanwhile would wait for the source's next element. A move that fails is the source's failure, which comes after
    /// the elements started before it (false while any is pending).
    /// </summary>
    public Task<bool> WhenMovedAsync(Task<bool> move)
    {
        if (move is null) throw new ArgumentNullException(nameof(move));
        if (!ReferenceEquals(move, _watchedMove))
        {
            // Watched as one more evaluation (even one that has just ended: its failure may be the first), counted as
            // running until its continuation ends, so StopAsync waits for that bookkeeping.
            _watchedMove = move;
            Interlocked.Increment(ref _running);

            _ = move.ContinueWith(OnMoveEnded, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        // A move that has already failed is the source's failure now, not whenever its continuation runs (which may be
        // queued, or on another thread): the elements started before it are taken first.
        FailIfFailed(move);
        if (IsReadyToTake())
        {
            return NotMoved;
        }

        if (move.IsCompleted)
        {
            return Moved;
        }

        return WhenEitherAsync(move, _started != _taken ? Wait() : null);
    }

    private async Task<bool> WhenEitherAsync(Task<bool> move, Task? ready)
    {
        // With no element pending, only the move can end the wait.
        await Task.WhenAny(ready is null ? new Task[] { move } : new[] { move, ready }).ConfigureAwait(false);

        // The move's own continuation may not have run yet (it runs inline unless the runtime declines to): a failed move is
        // the source's failure before the check, as in WhenMovedAsync.
        FailIfFailed(move);

        // What is ready as the move ends is taken first (values done, an evaluation's failure), and, the move having
        // failed, the elements started before it.
        return !IsReadyToTake();
    }

    /// <summary>
    /// Ends an asynchronous source's <c>MoveNextAsync</c> still pending when the loop ends (the results decided, or a
    /// failure, while the source was quiet), before its enumerator is disposed, which an async iterator does not allow
    /// while a move is pending: cancels <see cref="Token"/>, which the source was given, and waits for the move to end.
    /// What it gives or throws does not count: the loop reads no further. A source that ignores the token still holds
    /// the method until its next element.
    /// </summary>
    public async Task AbandonMoveAsync(Task<bool> move)
    {
        if (move is null) throw new ArgumentNullException(nameof(move));
        lock (_gate)
        {
            _stopping = true;   // the loop has ended: what fails from now on is a consequence, not a failure
        }

        if (!move.IsCompleted)
        {
            Cancel(_cancellation);
        }

        await Task.WhenAny(move).ConfigureAwait(false);
        _ = move.Exception;   // observed, and dropped
    }

    /// <summary>
    /// Whether a cancellation the asynchronous source's disposal throws is only the window's own, once the loop had every
    /// value it needed (<see cref="Finish"/>): it carries <see cref="Token"/>, which the window cancelled itself (to end a
    /// pending move, or on a failure the decided results made moot), neither the options' nor the method's token being
    /// cancelled. The sequential loop's early exit disposes its source with no token cancelled, so a cleanup that awaits
    /// with its token (closing a connection) succeeds there; here its cancellation is dropped, and the decided results
    /// are returned. Any other exception the disposal throws is the caller's, as in the sequential loop: a cancellation of
    /// the source's own (a timeout) too, and one through a token the source linked to <see cref="Token"/>, which cannot
    /// be told from it.
    /// </summary>
    public bool IsOwnCancellation(OperationCanceledException exception)
    {
        if (exception is null) throw new ArgumentNullException(nameof(exception));
        lock (_gate)
        {
            return _finished && !_optionsToken.IsCancellationRequested && !_methodToken.IsCancellationRequested
                && _cancellation.IsCancellationRequested && exception.CancellationToken == _cancellation.Token;
        }
    }

    /// <summary>
    /// The values of the next element: the oldest pending one's in source order, the first done in completion order.
    /// Once an evaluation has failed, values already done are still handed out (they may decide the results, as the
    /// sequential loop would have folded them first), then the failure is rethrown, with no element pending too. The
    /// source's failure is rethrown once every element started before it has been taken. A cancelled options' or
    /// method's token throws, though the values are there: a caller that cancels gets no result, even from evaluations
    /// that ignore their token (as from the CPU-parallel driver).
    /// </summary>
    /// <exception cref="InvalidOperationException">No element is pending and no failure is recorded (<see cref="IsEmpty"/>).</exception>
    public async Task<TValues> TakeAsync()
    {
        while (true)
        {
            _optionsToken.ThrowIfCancellationRequested();
            _methodToken.ThrowIfCancellationRequested();
            if (TryTake(out var values))
            {
                return values;
            }

            if (_failure is { } failure)
            {
                _propagating = failure.SourceException;
                failure.Throw();
            }

            if (_started == _taken)
            {
                if (_sourceFailure is { } sourceFailure)
                {
                    // Every element before it folded, and the results still undecided: the loop's failure now (no
                    // evaluation runs to record another).
                    (_failure, _propagating) = (sourceFailure, sourceFailure.SourceException);
                    sourceFailure.Throw();
                }

                throw new InvalidOperationException("No element is pending: start one first.");
            }

            await Wait().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Tells the window the loop has every value it needs (the source is done, or the results are decided): what
    /// fails from now on, or failed and was not yet taken, does not count.
    /// </summary>
    public void Finish()
    {
        lock (_gate)
        {
            (_stopping, _finished) = (true, true);
        }

        // Fenced as in StopAsync: an evaluation beginning meanwhile sees _stopping, or is counted here and cancelled.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _running) > 0)
        {
            // Not needed any more: cancelled now, not once the source is disposed (its own token is left for its cleanup).
            Cancel(_evaluations);
        }
    }

    /// <summary>
    /// Notes the exception the loop ends with, from an exception filter that lets it through (it returns false), before
    /// <see cref="StopAsync"/> runs: if no evaluation failed before it, it is the first failure (the loop's own: a fold's
    /// overflow, a failure an evaluation kept for the fold), and what fails while the window winds down does not replace
    /// it. The fold's own failure is the first even when an evaluation's was recorded before it: in source order that
    /// evaluation's element comes after the one folded, as the sequential loop would meet them; in completion order the
    /// element folded was done before the failure was recorded (the loop is handed no value done after). The evaluations still
    /// running are cancelled then, before the source is disposed.
    /// </summary>
    public bool Observe(Exception exception)
    {
        bool running;
        lock (_gate)
        {
            // The loop's own exception is observed first (filters run before the finally blocks that dispose the source);
            // a cancellation is a consequence, or the caller's, which never comes before a failure, unless it is what a
            // selector threw, kept and read (an HttpClient's timeout is a TaskCanceledException): that is the fold's own.
            var read = ReferenceEquals(exception, _read);
            var foldedFirst = !_observed && (read || exception is not OperationCanceledException) && !IsRecorded(exception);
            if (foldedFirst || _failure is null)
            {
                // The source's failure the loop rethrew itself (awaiting its move) as it was recorded.
                _failure = IsRecordedIn(_sourceFailure, exception)
                    ? _sourceFailure
                    : ExceptionDispatchInfo.Capture(read ? exception : AsCancellationOfCaller(exception));
            }

            (_propagating, _observed, running) = (exception, true, Volatile.Read(ref _running) > 0 && !_finished);
        }

        // What still runs is not needed: cancelled now, not by StopAsync once the source is disposed, which may take long
        // (a reader draining its rows). Not in this filter, though, which runs before the frames it unwinds have run their
        // finally blocks: the token's callbacks (user code) run on the pool. The source's own token is left for its
        // cleanup, as after Finish.
        if (running)
        {
            ThreadPool.QueueUserWorkItem(static window => ((EvaluationWindow<T, TValues>)window!).CancelEvaluations(), this);
        }

        return false;
    }

    /// <summary>Cancels the evaluations' token, unless <see cref="StopAsync"/> has cancelled and disposed it meanwhile.</summary>
    private void CancelEvaluations()
    {
        try
        {
            Cancel(_evaluations);
        }
        catch (ObjectDisposedException)
        {
            // StopAsync got there first: it cancels what runs before it disposes the source of the token.
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is a failure the window recorded (the source's, whose move the loop awaits
    /// and rethrows, or the one <see cref="TakeAsync"/> rethrew), itself or inside the caller's cancellation it was
    /// recorded as: not the fold's own.
    /// </summary>
    private bool IsRecorded(Exception exception) => IsRecordedIn(_failure, exception) || IsRecordedIn(_sourceFailure, exception);

    private static bool IsRecordedIn(ExceptionDispatchInfo? failure, Exception exception) =>
        failure?.SourceException is { } recorded
        && (ReferenceEquals(exception, recorded) || (recorded is OperationCanceledException && ReferenceEquals(exception, recorded.InnerException)));

    /// <summary>
    /// Ends the window, however the loop ended: cancels the evaluations still running and waits for them to end. Unless
    /// the loop finished (<see cref="Finish"/>), it then rethrows the first failure in place of the exception the loop
    /// ends with, when that is another (a consequence of it, such as a source cancelled through <see cref="Token"/> or
    /// an enumerator's disposal that threw on its way out; or the cancellation of the options' or the method's token,
    /// which is reported as that token's). After the loop finished, only a cancellation the source's disposal throws
    /// through <see cref="Token"/> while the caller's token is cancelled is replaced: by that token's.
    /// </summary>
    public async Task StopAsync()
    {
        lock (_gate)
        {
            _stopping = true;
        }

        // Fenced against an evaluation beginning meanwhile (Evaluation.Run): it sees _stopping and backs out, or it is
        // counted here.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _running) > 0)
        {
            // Early exit or failure: what still runs is not needed.
            Cancel(_cancellation);
            await Wait().ConfigureAwait(false);
        }

        // What the source's disposal throws after the results are decided is the caller's, as in the sequential loop; a
        // cancellation through Token because the caller's token was cancelled meanwhile carries that token instead.
        var callers = _finished && _propagating is OperationCanceledException canceled && canceled.CancellationToken == _cancellation.Token
            ? AsCancellationOfCaller(canceled)
            : null;
        _evaluations.Dispose();
        _cancellation.Dispose();
        if (_finished)
        {
            if (callers is not null && !ReferenceEquals(callers, _propagating))
            {
                throw callers;
            }

            return;
        }

        if (_failure is { } failure && !ReferenceEquals(failure.SourceException, _propagating))
        {
            failure.Throw();
        }

        if (_failure is null)
        {
            // A loop that did not say how it ended: its exception may be the caller's cancellation seen through Token.
            _optionsToken.ThrowIfCancellationRequested();
            _methodToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Doubles the ring (up to the limit), each pending evaluation moved to its place in the new one.</summary>
    private Evaluation?[] GrowRing()
    {
        var ring = _ring!;
        var grown = new Evaluation?[(int)Math.Min(_limit, 2L * ring.Length)];
        for (var number = _taken; number < _started; number++)
        {
            grown[(int)(number % grown.Length)] = ring[(int)(number % ring.Length)];
        }

        Volatile.Write(ref _ring, grown);
        return grown;
    }

    /// <summary>
    /// Takes the next values without waiting if they are done and neither token is cancelled, as the loop finds them
    /// while the window is full; otherwise false, and <see cref="TakeAsync"/> waits for them or throws what it must.
    /// The loop asks this first: an awaited <see cref="TakeAsync"/> that completes at once still allocates its task.
    /// </summary>
    public bool TryTakeDone(out TValues values)
    {
        if (!_optionsToken.IsCancellationRequested && !_methodToken.IsCancellationRequested && TryTake(out values))
        {
            return true;
        }

        values = default!;
        return false;
    }

    /// <summary>Takes the next values if they are done (the loop's own).</summary>
    private bool TryTake(out TValues values)
    {
        Evaluation? evaluation;
        if (_ring is { } ring)
        {
            var slot = (int)(_taken % ring.Length);
            evaluation = ring[slot];
            if (evaluation is not { IsDone: true })
            {
                values = default!;
                return false;
            }

            ring[slot] = null;
        }
        else if (!_completed!.TryDequeue(out evaluation))
        {
            values = default!;
            return false;
        }

        values = evaluation.Values;
        Volatile.Write(ref _taken, _taken + 1);
        Recycle(evaluation);
        return true;
    }

    /// <summary>
    /// Keeps an evaluation whose values were taken for a later element; the loop's own. Its evaluation has published its
    /// values, its last touch of it: nothing else holds it.
    /// </summary>
    private void Recycle(Evaluation evaluation)
    {
        evaluation.Clear();
        if (_idleCount == _idle.Length)
        {
            Array.Resize(ref _idle, (int)Math.Min(_limit, 2L * _idle.Length));
        }

        _idle[_idleCount++] = evaluation;
    }

    /// <summary>
    /// A task that completes when <see cref="IsWaitOver"/> holds (the loop's own). The loop publishes its waiter, then
    /// looks again; an evaluation publishes what it did, then looks for a waiter (<see cref="WakeIfWaitOver"/>). Both
    /// steps are fenced, so one of the two sees the other's, and whichever takes the waiter out completes it.
    /// </summary>
    private Task Wait()
    {
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _waiter, waiter);
        if (IsWaitOver() && Interlocked.CompareExchange(ref _waiter, null, waiter) == waiter)
        {
            return Task.CompletedTask;
        }

        return waiter.Task;
    }

    /// <summary>Called after an evaluation, the watched move or a failure has published what it did (with a full fence): completes the loop's wait if what it waits for now holds.</summary>
    private void WakeIfWaitOver()
    {
        if (Volatile.Read(ref _waiter) is { } waiter && IsWaitOver() && Interlocked.CompareExchange(ref _waiter, null, waiter) == waiter)
        {
            waiter.SetResult(true);
        }
    }

    /// <summary>
    /// Whether the waiting loop can go on: stopped, every evaluation has ended; else a failure, values to take, or the
    /// caller's cancellation (which <see cref="TakeAsync"/> throws) with no evaluation under way. Those under way still
    /// end first, as before the cancellation (one that then fails is recorded inside it); those queued and not begun are
    /// not waited for. Asked by evaluations too, while the loop waits, so that what the loop owns holds still.
    /// </summary>
    private bool IsWaitOver()
    {
        if (_stopping)
        {
            return Volatile.Read(ref _running) == 0;
        }

        if (_failure is not null)
        {
            return true;
        }

        if ((_optionsToken.IsCancellationRequested || _methodToken.IsCancellationRequested) && Volatile.Read(ref _running) == 0)
        {
            return true;
        }

        if (Volatile.Read(ref _ring) is { } ring)
        {
            return ring[(int)(Volatile.Read(ref _taken) % ring.Length)] is { IsDone: true };
        }

        return !_completed!.IsEmpty;
    }

    /// <summary>Records how an evaluation ended, and wakes the loop if it waits for that.</summary>
    private void Complete(Evaluation evaluation, TValues values, Exception? failure)
    {
        if (failure is not null)
        {
            // Counted as running until the failure is recorded and the token cancelled (StopAsync disposes its source
            // only once nothing runs); the decrement is the full fence before the look for a waiter.
            Fail(failure);
            Interlocked.Decrement(ref _running);
        }
        else
        {
            // Done with the tokens, and no longer running before its value can be taken: a loop that takes the last
            // value and ends finds nothing left to cancel or wait for.
            Interlocked.Decrement(ref _running);
            if (_stopping)
            {
                // Not needed any more.
            }
            else if (_ring is not null)
            {
                evaluation.Publish(values);
            }
            else if (_failure is null)
            {
                // In completion order, a value done once the first failure is recorded comes after it: the loop meets the
                // failure. (One done as it is recorded may still be handed out before it, as if it had completed first.)
                evaluation.Publish(values);
                _completed!.Enqueue(evaluation);
            }

            // A full fence between what was published and the look for a waiter.
            Interlocked.MemoryBarrier();
        }

        WakeIfWaitOver();
    }

    /// <summary>
    /// Records an evaluation's failure if it is the first and the loop still needs it (once stopping, what fails does not
    /// count), and then cancels the evaluations and the source. The caller is still counted as running, so StopAsync
    /// cannot have disposed the token source.
    /// </summary>
    private void Fail(Exception failure)
    {
        bool first;
        lock (_gate)
        {
            first = !_stopping && _failure is null;
            if (first)
            {
                _failure = AsRecorded(failure);
            }
        }

        if (first)
        {
            Cancel(_cancellation);
        }
    }

    /// <summary>
    /// A failure as the window records it: after the options' or the method's token was cancelled (of an evaluation or a
    /// source that ignored it), as that cancellation, which came first: the sequential loop would have stopped there,
    /// before what failed. The failure is its inner exception.
    /// </summary>
    private ExceptionDispatchInfo AsRecorded(Exception failure)
    {
        var token = CallersCancelledToken();
        return ExceptionDispatchInfo.Capture(failure is OperationCanceledException || !token.CanBeCanceled
            ? AsCancellationOfCaller(failure)
            : new OperationCanceledException("The operation was canceled.", failure, token));
    }

    /// <summary>An asynchronous source's watched move has ended: a failure if it failed, and one fewer running.</summary>
    private void MoveEnded(Task<bool> move)
    {
        FailIfFailed(move);
        Interlocked.Decrement(ref _running);
        WakeIfWaitOver();
    }

    /// <summary>
    /// Records the source's failure, unless the loop has stopped or an evaluation failed first (an element started
    /// before it, which the sequential loop would meet first). Nothing is cancelled: the elements started before it are
    /// still needed.
    /// </summary>
    private void FailSource(Exception failure)
    {
        lock (_gate)
        {
            if (!_stopping && _failure is null && _sourceFailure is null)
            {
                _sourceFailure = AsRecorded(failure);
            }
        }
    }

    /// <summary>Records the failure of an asynchronous source's move that has ended and failed (again: only the first counts).</summary>
    private void FailIfFailed(Task<bool> move)
    {
        if (move.IsCompleted && move.Status != TaskStatus.RanToCompletion)
        {
            try
            {
                move.GetAwaiter().GetResult();   // the exception itself, not an AggregateException
            }
            catch (Exception failure)
            {
                FailSource(failure);
            }
        }
    }

    /// <summary>
    /// Whether a pending element's values, or a failure, wait for the loop to take them; or the source
    /// has failed, and the loop is to take the elements started before it.
    /// </summary>
    private bool IsReadyToTake() => _started != _taken && (_sourceFailure is not null || IsWaitOver());

    /// <summary>
    /// An evaluation cancelled because the options' or the method's token was cancelled is reported as that token's
    /// cancellation, as <c>ThrowIfCancellationRequested</c> on it would report it, not as the window's own token's.
    /// </summary>
    private Exception AsCancellationOfCaller(Exception failure)
    {
        if (failure is OperationCanceledException canceled)
        {
            var token = CallersCancelledToken();
            if (token.CanBeCanceled && canceled.CancellationToken != token)
            {
                return new OperationCanceledException(canceled.Message, canceled, token);
            }
        }

        return failure;
    }

    /// <summary>The options' token if it is cancelled, else the method's if it is, else <c>default</c>.</summary>
    private CancellationToken CallersCancelledToken() =>
        _optionsToken.IsCancellationRequested ? _optionsToken : _methodToken.IsCancellationRequested ? _methodToken : default;

    /// <summary>Cancels <paramref name="source"/>: <see cref="_cancellation"/> stops the source and the evaluations, <see cref="_evaluations"/> only these.</summary>
    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // A callback the user's code registered on the token threw: the evaluation it belongs to reports its own
            // failure, and the window already has the one that made it cancel.
        }
    }

    /// <summary>
    /// One element on its way through the scheduler, and back: its evaluation's task, what to do when it ends, and, in
    /// source order, its values until the loop takes them.
    /// </summary>
    private sealed class Evaluation
    {
        private readonly EvaluationWindow<T, TValues> _window;
        private readonly Action _ended;
        private Task<TValues>? _task;
        private TValues _values = default!;
        private volatile bool _done;

        public Evaluation(EvaluationWindow<T, TValues> window) => (_window, _ended) = (window, Ended);

        /// <summary>The element to evaluate, set by the loop before the evaluation is queued.</summary>
        public T Element { get; set; } = default!;

        /// <summary>Whether <see cref="Values"/> holds what the evaluation gave.</summary>
        public bool IsDone => _done;

        /// <summary>What the evaluation gave, once <see cref="IsDone"/>.</summary>
        public TValues Values => _values;

        /// <summary>Keeps what the evaluation gave for the loop, then says so (a volatile write, after the values).</summary>
        public void Publish(TValues values) => (_values, _done) = (values, true);

        /// <summary>Lets go of the element, the task and the values, for the next element (the loop's own).</summary>
        public void Clear() => (Element, _task, _values, _done) = (default!, null, default!, false);

        /// <summary>Begins the evaluation, on the scheduler, unless the window stopped (or failed) since it was queued.</summary>
        public void Run()
        {
            var window = _window;

            // Counted first, then the window looked at, both fenced: either StopAsync sees this evaluation running and
            // waits for it, or it sees the window stopping and never begins.
            Interlocked.Increment(ref window._running);
            if (window._stopping || window._failure is not null)
            {
                // Queued before the loop stopped (or an evaluation failed) and begun after: it never starts.
                Interlocked.Decrement(ref window._running);
                window.WakeIfWaitOver();
                return;
            }

            var token = window._evaluations.Token;
            Task<TValues> task;
            try
            {
                // Cancelled while it was queued (the caller's token, or results decided): it ends as its first check of
                // the token would have ended it, before it calls a selector.
                token.ThrowIfCancellationRequested();
                _task = task = window._evaluate(Element, token);
            }
            catch (Exception ex)
            {
                window.Complete(this, default!, ex);
                return;
            }

            // Once it has ended (Ended publishes its values) the loop may take them and start another element with this
            // object: nothing here touches it after that.
            if (task.IsCompleted)
            {
                Ended();
            }
            else
            {
                // Bookkeeping only, wherever the task ends: no context to go back to, no ExecutionContext to restore.
                task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_ended);
            }
        }

        private void Ended()
        {
            var (values, failure) = (default(TValues)!, default(Exception));
            try
            {
                values = _task!.GetAwaiter().GetResult();   // the exception itself, not an AggregateException
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            _window.Complete(this, values, failure);
        }
    }
}
