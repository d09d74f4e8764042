using System;
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
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EvaluationWindow<T, TValues>
{
    private static readonly Action<object?> RunOnScheduler = static evaluation => ((Evaluation)evaluation!).Run();
    private static readonly Task<bool> Moved = Task.FromResult(true);
    private static readonly Task<bool> NotMoved = Task.FromResult(false);

    private static readonly Action<Task<bool>, object?> OnMoveEnded = static (move, window) => ((EvaluationWindow<T, TValues>)window!).MoveEnded(move);

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
    /// In source order: the values of the pending elements, by element number modulo the ring's length, and whether each
    /// is done. The ring grows with the pending elements, up to the limit (which may be <see cref="int.MaxValue"/>).
    /// </summary>
    private TValues[]? _slots;
    private bool[]? _done;

    /// <summary>In completion order: the values done and not yet taken, oldest first.</summary>
    private readonly Queue<TValues>? _completed;

    private long _started;
    private long _taken;
    private int _running;
    private bool _stopping;
    private bool _finished;
    private ExceptionDispatchInfo? _failure;

    /// <summary>
    /// The source's failure (its move or its <c>Current</c> threw). It comes after every element started before it, as
    /// the sequential loop folds those before it reads further: they are not cancelled, their values are taken first and
    /// may decide the results, and it is rethrown (as <see cref="_failure"/>) only once none is pending.
    /// </summary>
    private ExceptionDispatchInfo? _sourceFailure;

    /// <summary>What the loop throws as it ends (<see cref="Observe"/>), or the failure <see cref="TakeAsync"/> rethrew to it.</summary>
    private Exception? _propagating;

    /// <summary>Whether <see cref="Observe"/> has seen the loop's exception (later ones come from winding down).</summary>
    private bool _observed;

    /// <summary>The kept failure <see cref="Read"/> threw last: the fold's own, whatever its type.</summary>
    private Exception? _read;

    /// <summary>The loop, waiting in <see cref="TakeAsync"/> or <see cref="StopAsync"/> for what <see cref="IsWaitOver"/> says.</summary>
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
        if (inSourceOrder)
        {
            (_slots, _done) = (new TValues[Math.Min(_limit, 16)], new bool[Math.Min(_limit, 16)]);
        }
        else
        {
            _completed = new Queue<TValues>(Math.Min(_limit, 1024));
        }
    }

    /// <summary>
    /// The token an asynchronous source is given, and evaluations through a token linked to it: cancelled when the
    /// options' or the method's token is, on the first failure, and when the loop stops with evaluations still running
    /// (the evaluations' already when the loop has every value it needs).
    /// </summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Whether another element may start: fewer than the limit are pending, and neither one nor the source has failed.</summary>
    public bool HasRoom
    {
        get
        {
            lock (_gate)
            {
                return _failure is null && _sourceFailure is null && _started - _taken < _limit;
            }
        }
    }

    /// <summary>
    /// Whether the loop has nothing more to take: every element started has been taken, and no failure is recorded (an
    /// evaluation's, or the source's, which belongs to no element; once <see cref="TakeAsync"/> has rethrown one, the
    /// loop has ended).
    /// </summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _started == _taken && _failure is null && _sourceFailure is null;
            }
        }
    }

    /// <summary>
    /// Queues the evaluation of <paramref name="element"/> on the options' scheduler; throws
    /// <see cref="OperationCanceledException"/> if the options' or the method's token is cancelled.
    /// </summary>
    /// <exception cref="InvalidOperationException">The window is full (<see cref="HasRoom"/> is false) or has stopped.</exception>
    public void Start(T element)
    {
        _optionsToken.ThrowIfCancellationRequested();
        _methodToken.ThrowIfCancellationRequested();
        long number;
        lock (_gate)
        {
            if (_stopping || _started - _taken >= _limit)
            {
                throw new InvalidOperationException(_stopping ? "The window has stopped." : "The window is full: take a value first.");
            }

            if (_slots is not null && _started - _taken == _slots.Length)
            {
                GrowRing();
            }

            number = _started++;
        }

        try
        {
            // A task even on the default scheduler: queued from a pool thread it goes to that thread's own queue, which
            // measured faster than a work item on the global queue (3.2 s against 3.9 s for 3 million evaluations).
            _ = Task.Factory.StartNew(RunOnScheduler, new Evaluation(this, element, number), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler);
        }
        catch
        {
            lock (_gate)
            {
                _started--;   // the scheduler refused it: it was never started
            }

            throw;
        }
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
            lock (_gate)
            {
                _running++;
            }

            _ = move.ContinueWith(OnMoveEnded, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        // A move that has already failed is the source's failure now, not whenever its continuation runs (which may be
        // queued, or on another thread): the elements started before it are taken first.
        FailIfFailed(move);

        Task? ready = null;
        lock (_gate)
        {
            if (IsReadyToTake())
            {
                return NotMoved;
            }

            if (move.IsCompleted)
            {
                return Moved;
            }

            if (_started != _taken)
            {
                ready = Wait();
            }
        }

        return WhenEitherAsync(move, ready);
    }

    private async Task<bool> WhenEitherAsync(Task<bool> move, Task? ready)
    {
        // With no element pending, only the move can end the wait.
        await Task.WhenAny(ready is null ? new Task[] { move } : new[] { move, ready }).ConfigureAwait(false);

        // The move's own continuation may not have run yet (it runs inline unless the runtime declines to): a failed move is
        // the source's failure before the check, as in WhenMovedAsync.
        FailIfFailed(move);
        lock (_gate)
        {
            // What is ready as the move ends is taken first (values done, an evaluation's failure), and, the move having
            // failed, the elements started before it.
            return !IsReadyToTake();
        }
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
            Task wait;
            lock (_gate)
            {
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
                        // Every element before it folded, and the results still undecided: the loop's failure now.
                        (_failure, _propagating) = (sourceFailure, sourceFailure.SourceException);
                        sourceFailure.Throw();
                    }

                    throw new InvalidOperationException("No element is pending: start one first.");
                }

                wait = Wait();
            }

            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Tells the window the loop has every value it needs (the source is done, or the results are decided): what
    /// fails from now on, or failed and was not yet taken, does not count.
    /// </summary>
    public void Finish()
    {
        bool running;
        lock (_gate)
        {
            (_stopping, _finished, running) = (true, true, _running > 0);
        }

        if (running)
        {
            // Not needed any more: cancelled now, not once the source is disposed (its own token is left for its cleanup).
            Cancel(_evaluations);
        }
    }

    /// <summary>
    /// Notes the exception the loop ends with, from an exception filter that lets it through (it returns false), before
    /// <see cref="StopAsync"/> runs: if no evaluation failed before it, it is the first failure (the loop's own: a fold's
    /// overflow, a failure an evaluation kept for the fold), and what fails while the window winds down does not replace
    /// it. In source order the fold's own failure is the first even when an evaluation's was recorded before it: that
    /// evaluation's element comes after the one folded, as the sequential loop would meet them. The evaluations still
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
            var foldedFirst = _slots is not null && !_observed && (read || exception is not OperationCanceledException)
                && !IsRecorded(exception);
            if (foldedFirst || _failure is null)
            {
                // The source's failure the loop rethrew itself (awaiting its move) as it was recorded.
                _failure = IsRecordedIn(_sourceFailure, exception)
                    ? _sourceFailure
                    : ExceptionDispatchInfo.Capture(read ? exception : AsCancellationOfCaller(exception));
            }

            (_propagating, _observed, running) = (exception, true, _running > 0 && !_finished);
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
        Task? wait = null;
        lock (_gate)
        {
            _stopping = true;
            if (_running > 0)
            {
                wait = Wait();
            }
        }

        if (wait is not null)
        {
            // Early exit or failure: what still runs is not needed.
            Cancel(_cancellation);
            await wait.ConfigureAwait(false);
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

    /// <summary>Doubles the ring (up to the limit), each pending element's slot moved to its place in the new one; under the lock.</summary>
    private void GrowRing()
    {
        var length = (int)Math.Min(_limit, 2L * _slots!.Length);
        var (slots, done) = (new TValues[length], new bool[length]);
        for (var number = _taken; number < _started; number++)
        {
            var (from, to) = ((int)(number % _slots.Length), (int)(number % length));
            (slots[to], done[to]) = (_slots[from], _done![from]);
        }

        (_slots, _done) = (slots, done);
    }

    /// <summary>
    /// Takes the next values without waiting if they are done and neither token is cancelled, as the loop finds them
    /// while the window is full; otherwise false, and <see cref="TakeAsync"/> waits for them or throws what it must.
    /// The loop asks this first: an awaited <see cref="TakeAsync"/> that completes at once still allocates its task.
    /// </summary>
    public bool TryTakeDone(out TValues values)
    {
        if (!_optionsToken.IsCancellationRequested && !_methodToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (TryTake(out values))
                {
                    return true;
                }
            }
        }

        values = default!;
        return false;
    }

    /// <summary>Takes the next values if they are done; under the lock.</summary>
    private bool TryTake(out TValues values)
    {
        if (_slots is not null)
        {
            var slot = (int)(_taken % _slots.Length);
            if (_done![slot])
            {
                (values, _slots[slot], _done[slot]) = (_slots[slot], default!, false);
                _taken++;
                return true;
            }
        }
        else if (_completed!.Count > 0)
        {
            values = _completed.Dequeue();
            _taken++;
            return true;
        }

        values = default!;
        return false;
    }

    /// <summary>A task that completes when <see cref="IsWaitOver"/> holds; under the lock.</summary>
    private Task Wait()
    {
        _waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _waiter.Task;
    }

    /// <summary>Whether the waiting loop can go on: stopped, every evaluation has ended; else a failure, or values to take.</summary>
    private bool IsWaitOver() => _stopping
        ? _running == 0
        : _failure is not null || (_slots is not null ? _done![(int)(_taken % _slots.Length)] : _completed!.Count > 0);

    /// <summary>Records how an evaluation ended, and wakes the loop if it waits for that.</summary>
    private void Complete(long number, TValues values, Exception? failure)
    {
        if (failure is not null)
        {
            Fail(failure);
        }

        TaskCompletionSource<bool>? wake;
        lock (_gate)
        {
            _running--;
            if (failure is not null || _stopping)
            {
                // Recorded above, or not needed any more.
            }
            else if (_slots is not null)
            {
                var slot = (int)(number % _slots.Length);
                (_slots[slot], _done![slot]) = (values, true);
            }
            else if (_failure is null)
            {
                // In completion order, a value done after the first failure comes after it: the loop meets the failure.
                _completed!.Enqueue(values);
            }

            wake = WaiterToWake();
        }

        wake?.SetResult(true);
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
        TaskCompletionSource<bool>? wake;
        lock (_gate)
        {
            _running--;
            wake = WaiterToWake();
        }

        wake?.SetResult(true);
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

    /// <summary>Under the lock: the waiting loop, taken out of its slot, if what it waits for holds.</summary>
    private TaskCompletionSource<bool>? WaiterToWake()
    {
        var waiter = _waiter;
        if (waiter is null || !IsWaitOver())
        {
            return null;
        }

        _waiter = null;
        return waiter;
    }

    /// <summary>
    /// Under the lock: whether a pending element's values, or a failure, wait for the loop to take them; or the source
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

    /// <summary>One element on its way through the scheduler, and back: its evaluation's task, and what to do when it ends.</summary>
    private sealed class Evaluation
    {
        private readonly EvaluationWindow<T, TValues> _window;
        private readonly T _element;
        private readonly long _number;
        private Task<TValues>? _task;

        public Evaluation(EvaluationWindow<T, TValues> window, T element, long number) => (_window, _element, _number) = (window, element, number);

        /// <summary>Begins the evaluation, on the scheduler, unless the window stopped (or failed) since it was queued.</summary>
        public void Run()
        {
            var window = _window;
            CancellationToken token;
            lock (window._gate)
            {
                if (window._stopping || window._failure is not null)
                {
                    return;   // queued before the loop stopped (or an evaluation failed) and begun after: it never starts
                }

                window._running++;
                token = window._evaluations.Token;
            }

            try
            {
                // Cancelled while it was queued (the caller's token, or results decided): it ends as its first check of
                // the token would have ended it, before it calls a selector.
                token.ThrowIfCancellationRequested();
                _task = window._evaluate(_element, token);
            }
            catch (Exception ex)
            {
                window.Complete(_number, default!, ex);
                return;
            }

            if (_task.IsCompleted)
            {
                Ended();
            }
            else
            {
                // Bookkeeping only, wherever the task ends: no context to go back to, no ExecutionContext to restore.
                _task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(Ended);
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

            _window.Complete(_number, values, failure);
        }
    }
}
