using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace MultiAgg.Runtime;

/// <summary>Folds <paramref name="next"/>, the state of the block after <paramref name="into"/>'s, into <paramref name="into"/>.</summary>
/// <typeparam name="TState">A method's accumulators, as the generated code keeps them.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void StateMerger<TState>(ref TState into, TState next);

/// <summary>
/// Goes on with the sequential loop from <paramref name="state"/>, the folded state of the blocks before the elements
/// <c>[start, end)</c>: folds them into it, and stops once it is decided, or with <see cref="OperationCanceledException"/>
/// once <paramref name="cancellationToken"/> is cancelled.
/// </summary>
/// <typeparam name="TState">A method's accumulators, as the generated code keeps them.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void RangeContinuation<TState>(ref TState state, int start, int end, CancellationToken cancellationToken);

/// <summary>
/// Goes on with the sequential loop from <paramref name="state"/>, the folded state of the chunks before this one: folds
/// the first <paramref name="count"/> of <paramref name="items"/> into it, and stops once it is decided, or with
/// <see cref="OperationCanceledException"/> once <paramref name="cancellationToken"/> is cancelled.
/// </summary>
/// <typeparam name="T">The source's elements.</typeparam>
/// <typeparam name="TState">A method's accumulators, as the generated code keeps them.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void ChunkContinuation<T, TState>(ref TState state, T[] items, int count, CancellationToken cancellationToken);

/// <summary>
/// The scheduler behind the generated code of an <c>[Aggregate]</c> method with a <see cref="ParallelOptions"/>
/// parameter (DESIGN.md §7): the source is cut into blocks whose size depends only on its length, workers aggregate
/// whole blocks into states of their own, and the states are folded in block order. So every degree of parallelism
/// gives the same result, bit for bit, floating-point sums included.
/// </summary>
/// <remarks>
/// <para>
/// At most <see cref="ParallelOptions.MaxDegreeOfParallelism"/> blocks are aggregated at a time (the calling thread
/// is one of the workers; never more than the processors), on <see cref="ParallelOptions.TaskScheduler"/> (the current
/// scheduler when it is null, as for <see cref="Parallel"/>'s loops); a worker
/// takes a block only while fewer than twice that many blocks wait to be folded, so memory stays O(degree of
/// parallelism) blocks however long the source (a list's blocks, of 4,096 elements, grow with it past 4,096 × 4,096
/// elements, so that there are at most 4,096 of them).
/// </para>
/// <para>
/// Once the folded state is decided (every aggregate's result is final), no block starts and the blocks still running
/// are cancelled. An exception (from a selector, the source's enumerator or a merge) stops the blocks after its own from
/// starting and cancels those running; the blocks before it
/// are still folded, and unless they decide the results, the exception of the earliest failed block is rethrown
/// unwrapped once the blocks already started have ended; a source's enumerator that fails partway through a chunk fails
/// after the elements it gave. Where an attribute stops calling its selectors once decided, a block other than the
/// first (whose own loop is the sequential one) that failed in its own elements (a selector or an aggregate threw) does
/// not stop the others: it is read again when the blocks before
/// it are folded, by the sequential loop going on from them, and fails the method only if that loop fails there. Where
/// the method says so of the blocks folded so far and the next one (a completable custom accumulator not yet complete,
/// per key for the keys of the block), the block is read that way instead of merged. Cancelling the options' token (or
/// the method's own, where it passes one) before the method returns stops it with
/// <see cref="OperationCanceledException"/> (no block starts after it), unless a block before the one it stops had
/// failed: that exception comes instead, as above, since the sequential loop would have met it first (a block after it
/// that failed earlier in time does not count). Blocks queued on a
/// scheduler that never runs them are not waited for (a single-threaded scheduler cannot deadlock the method).
/// </para>
/// <para>Generated code calls this; it is public only for that, and may change between versions.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParallelAggregation
{
    /// <summary>The fewest elements in a block: fewer would cost more to schedule than to aggregate.</summary>
    internal const int MinimumBlockSize = 4096;

    /// <summary>The most blocks a source is cut into: past that, blocks grow with the source instead.</summary>
    private const int MaximumBlocks = 4096;

    /// <summary>
    /// The elements in each block of a source of <paramref name="length"/> elements: a function of the length alone,
    /// never of the degree of parallelism or the machine, so that the blocks (and a floating-point sum's rounding) are
    /// the same everywhere.
    /// </summary>
    internal static int BlockSize(int length) => Math.Max(MinimumBlockSize, (int)((length + (long)MaximumBlocks - 1) / MaximumBlocks));

    /// <summary>The elements in each chunk pulled from a source that is not a list, whose length is unknown.</summary>
    internal const int ChunkSize = MinimumBlockSize;

    /// <summary>
    /// Aggregates <c>[0, length)</c> in blocks of 4,096 elements (more past 4,096 × 4,096, a function of the length
    /// alone): <paramref name="aggregate"/> gives the state of the elements <c>[start, end)</c>, checking its token before each (it is cancelled when the block is no longer
    /// needed, or when the options' token is), <paramref name="merge"/> folds states in block order, and
    /// <paramref name="isDecided"/>, when given, says that no later block can change the results, and
    /// <paramref name="continueFrom"/>, when given, reads a block whose selector failed once more, on top of the blocks
    /// before it (a block's own loop skips a decided attribute's selectors only from its own state, and what comes before
    /// may decide it sooner), and reads a block that way instead of merging it where <paramref name="readsInOrder"/>, when
    /// given, says so of the blocks folded before it and the block's own state (a completable custom accumulator not yet
    /// complete: the sequential loop stops feeding it where it completes, which may be partway through a block). A length
    /// of one block or less (0 included) is one call of <paramref name="aggregate"/> on the calling thread.
    /// <paramref name="cancellationToken"/>, the method's own, cancels it as the options' token does (see <see cref="Run{TArguments, TState}"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="aggregate"/> or
    /// <paramref name="merge"/> is null, or <paramref name="readsInOrder"/> is given without <paramref name="continueFrom"/>,
    /// which reads those blocks.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public static TState OverRanges<TState>(int length, ParallelOptions options, Func<int, int, CancellationToken, TState> aggregate, StateMerger<TState> merge, Func<TState, bool>? isDecided, RangeContinuation<TState>? continueFrom, Func<TState, TState, bool>? readsInOrder = null, CancellationToken cancellationToken = default)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (aggregate is null) throw new ArgumentNullException(nameof(aggregate));
        if (merge is null) throw new ArgumentNullException(nameof(merge));
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "A length is never negative.");
        if (readsInOrder is not null && continueFrom is null) throw new ArgumentNullException(nameof(continueFrom), "Blocks read in order are read by the continuation.");

        return Run(
            options, cancellationToken, (length, aggregate, merge, isDecided, continueFrom, readsInOrder),
            static (run, a) => InRanges(a.length, run, a.aggregate, a.merge, a.isDecided, a.continueFrom, a.readsInOrder));
    }

    private static TState InRanges<TState>(int length, ParallelOptions options, Func<int, int, CancellationToken, TState> aggregate, StateMerger<TState> merge, Func<TState, bool>? isDecided, RangeContinuation<TState>? continueFrom, Func<TState, TState, bool>? readsInOrder)
    {
        var blockSize = BlockSize(length);
        if (length <= blockSize)
        {
            // One block at most (none, for an empty source): nothing to schedule or merge.
            return OneBlock(aggregate(0, length, options.CancellationToken), options);
        }

        var blocks = (int)((length + (long)blockSize - 1) / blockSize);
        return new OrderedFold<TState>(options, merge, isDecided, readsInOrder, new Ranges<TState>(length, blockSize, blocks, aggregate, continueFrom)).Run();
    }

    /// <summary>
    /// Aggregates a sequence in chunks of 4,096 elements, pulled from its one enumerator under a lock
    /// and in order: <paramref name="aggregate"/> gives the state of the first <c>count</c> elements of a buffer (of
    /// none, for an empty sequence); the other parameters are <see cref="OverRanges"/>'s. A sequence that is an
    /// <see cref="IList{T}"/> at run time (an array or a list passed as <see cref="IEnumerable{T}"/>) is cut into the
    /// blocks of <see cref="OverRanges"/> instead, as PLINQ cuts one: each is copied by index into its worker's buffer (an
    /// array of one block is given as it is).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="options"/>,
    /// <paramref name="aggregate"/> or <paramref name="merge"/> is null, or <paramref name="readsInOrder"/> is given without
    /// <paramref name="continueFrom"/>, which reads those blocks.</exception>
    public static TState OverChunks<T, TState>(IEnumerable<T> source, ParallelOptions options, Func<T[], int, CancellationToken, TState> aggregate, StateMerger<TState> merge, Func<TState, bool>? isDecided, ChunkContinuation<T, TState>? continueFrom, Func<TState, TState, bool>? readsInOrder = null, CancellationToken cancellationToken = default)
    {
        if (source is null) throw new ArgumentNullException(nameof(source));
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (aggregate is null) throw new ArgumentNullException(nameof(aggregate));
        if (merge is null) throw new ArgumentNullException(nameof(merge));
        if (readsInOrder is not null && continueFrom is null) throw new ArgumentNullException(nameof(continueFrom), "Blocks read in order are read by the continuation.");

        return Run(
            options, cancellationToken, (source, aggregate, merge, isDecided, continueFrom, readsInOrder),
            static (run, a) => InChunks(a.source, run, a.aggregate, a.merge, a.isDecided, a.continueFrom, a.readsInOrder));
    }

    /// <summary>
    /// Runs <paramref name="aggregate"/> with <paramref name="options"/>, or, where the method has a token of its own that
    /// is not the options', with a copy of them whose token either cancels: a caller cancelling through either token
    /// cancels the method, as it cancels the method's sequential loop. The method is cancelled with the caller's token that
    /// was (the options', when both were), not the copy's. (<paramref name="arguments"/> are what <paramref name="aggregate"/>,
    /// a static lambda, needs besides: no closure is made for a call.)
    /// </summary>
    private static TState Run<TArguments, TState>(ParallelOptions options, CancellationToken methodToken, TArguments arguments, Func<ParallelOptions, TArguments, TState> aggregate)
    {
        if (!methodToken.CanBeCanceled || methodToken == options.CancellationToken)
        {
            return aggregate(options, arguments);
        }

        if (!options.CancellationToken.CanBeCanceled)
        {
            return aggregate(WithToken(options, methodToken), arguments);   // the method's token is the only one: nothing to link
        }

        options.CancellationToken.ThrowIfCancellationRequested();
        methodToken.ThrowIfCancellationRequested();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, methodToken);
        try
        {
            return aggregate(WithToken(options, either.Token), arguments);
        }
        catch (OperationCanceledException canceled) when (canceled.CancellationToken == either.Token)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            methodToken.ThrowIfCancellationRequested();
            throw;   // not reached: only the two tokens cancel the copy's
        }

        static ParallelOptions WithToken(ParallelOptions options, CancellationToken token) => new()
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            TaskScheduler = options.TaskScheduler,
            CancellationToken = token,
        };
    }

    private static TState InChunks<T, TState>(IEnumerable<T> source, ParallelOptions options, Func<T[], int, CancellationToken, TState> aggregate, StateMerger<TState> merge, Func<TState, bool>? isDecided, ChunkContinuation<T, TState>? continueFrom, Func<TState, TState, bool>? readsInOrder)
    {
        if (source is IList<T> list)
        {
            return OverList(list, options, aggregate, merge, isDecided, continueFrom, readsInOrder);
        }

        using var chunks = new Chunks<T, TState>(source, aggregate, continueFrom);
        if (chunks.TakeFirst(options.CancellationToken) is { } only)
        {
            // The sequence ended (or failed) within its first chunk; none, for an empty one.
            return OnlyBlock(only, chunks.FailureAfterLastBlock, options, aggregate, isDecided);
        }

        var fold = new OrderedFold<TState>(options, merge, isDecided, readsInOrder, chunks);
        var result = fold.Run();
        return fold.FoldedAny ? result : aggregate(Array.Empty<T>(), 0, options.CancellationToken);
    }

    /// <summary>
    /// A list's blocks, of as many elements as for <see cref="OverRanges"/> (the same blocks, and bits, as
    /// the list declared as one), read without its enumerator: a change to the list while it is aggregated is not detected.
    /// </summary>
    private static TState OverList<T, TState>(IList<T> list, ParallelOptions options, Func<T[], int, CancellationToken, TState> aggregate, StateMerger<TState> merge, Func<TState, bool>? isDecided, ChunkContinuation<T, TState>? continueFrom, Func<TState, TState, bool>? readsInOrder)
    {
        var length = list.Count;
        var blockSize = BlockSize(length);
        if (length <= blockSize)
        {
            // One block at most; an array is its own buffer.
            if (list is T[] array)
            {
                return OneBlock(aggregate(array, length, options.CancellationToken), options);
            }

            var only = new BufferedBlocks<T, TState>.Chunk(new T[length]);
            return OnlyBlock(only, ListBlocks<T, TState>.Fill(list, 0, length, only), options, aggregate, isDecided);
        }

        var blocks = (int)((length + (long)blockSize - 1) / blockSize);
        return new OrderedFold<TState>(options, merge, isDecided, readsInOrder, new ListBlocks<T, TState>(list, length, blockSize, blocks, aggregate, continueFrom)).Run();
    }

    /// <summary>
    /// The state of a source of one block, aggregated on the calling thread with the options' token, with nothing
    /// scheduled or merged: cancelled while it ran, it cancels the method, as after several blocks.
    /// </summary>
    private static TState OneBlock<TState>(TState state, ParallelOptions options)
    {
        options.CancellationToken.ThrowIfCancellationRequested();
        return state;
    }

    /// <summary>
    /// The state of a source that is one block, read into <paramref name="only"/>: a source that failed after its
    /// elements (<paramref name="failureAfter"/>) fails the method unless they decided the results, as the sequential
    /// loop would have stopped before the failure.
    /// </summary>
    private static TState OnlyBlock<T, TState>(BufferedBlocks<T, TState>.Chunk only, ExceptionDispatchInfo? failureAfter, ParallelOptions options, Func<T[], int, CancellationToken, TState> aggregate, Func<TState, bool>? isDecided)
    {
        var state = aggregate(only.Items, only.Count, options.CancellationToken);
        if (failureAfter is not null && isDecided?.Invoke(state) != true)
        {
            failureAfter.Throw();
        }

        return OneBlock(state, options);
    }

    /// <summary>Where the blocks come from: taking one (in order, one taker at a time) and aggregating it (in parallel).</summary>
    private abstract class BlockSource<TState>
    {
        /// <summary>
        /// Whether a block numbered <paramref name="index"/> exists; called in index order, by one worker at a time, outside
        /// the fold's lock (a slow source holds up neither the fold nor the workers storing their states). Reading it stops
        /// when <paramref name="cancellationToken"/> (the caller's) is cancelled, or once <paramref name="isUnneeded"/> says
        /// no block after those taken can count.
        /// </summary>
        public abstract bool TryTake(int index, ref object? workspace, Func<bool> isUnneeded, CancellationToken cancellationToken);

        /// <summary>
        /// The state of block <paramref name="index"/>, taken by this worker with its <paramref name="workspace"/>; the
        /// aggregation stops with <see cref="OperationCanceledException"/> once <paramref name="cancellationToken"/> is cancelled.
        /// </summary>
        public abstract TState Aggregate(int index, object? workspace, CancellationToken cancellationToken);

        /// <summary>How many blocks there are, when that is known before they are taken.</summary>
        public virtual int? Count => null;

        /// <summary>Whether the method gave a way to <see cref="Continue"/>.</summary>
        public abstract bool CanContinue { get; }

        /// <summary>
        /// Folds block <paramref name="index"/> (taken with <paramref name="workspace"/>) into <paramref name="state"/>,
        /// the blocks' before it, as the sequential loop goes on from there.
        /// </summary>
        public abstract void Continue(ref TState state, int index, object? workspace, CancellationToken cancellationToken);

        /// <summary>
        /// Whether a block's workspace still holds its elements once it is aggregated, so that it can be read again; it
        /// is then cleared by <see cref="Release"/>. Set before the first block is taken.
        /// </summary>
        public bool KeepsElements { get; set; }

        /// <summary>Lets go of what a workspace kept for a block it is done with (see <see cref="KeepsElements"/>).</summary>
        public virtual void Release(object workspace)
        {
        }
    }

    private sealed class Ranges<TState> : BlockSource<TState>
    {
        private readonly int _length;
        private readonly int _blockSize;
        private readonly int _blocks;
        private readonly Func<int, int, CancellationToken, TState> _aggregate;
        private readonly RangeContinuation<TState>? _continueFrom;

        public Ranges(int length, int blockSize, int blocks, Func<int, int, CancellationToken, TState> aggregate, RangeContinuation<TState>? continueFrom) =>
            (_length, _blockSize, _blocks, _aggregate, _continueFrom) = (length, blockSize, blocks, aggregate, continueFrom);

        public override bool TryTake(int index, ref object? workspace, Func<bool> isUnneeded, CancellationToken cancellationToken) => index < _blocks;

        public override int? Count => _blocks;

        public override TState Aggregate(int index, object? workspace, CancellationToken cancellationToken)
        {
            var start = index * _blockSize;
            return _aggregate(start, End(start), cancellationToken);
        }

        public override bool CanContinue => _continueFrom is not null;

        public override void Continue(ref TState state, int index, object? workspace, CancellationToken cancellationToken)
        {
            var start = index * _blockSize;
            _continueFrom!(ref state, start, End(start), cancellationToken);
        }

        private int End(int start) => (int)Math.Min(_length, (long)start + _blockSize);
    }

    /// <summary>
    /// Blocks copied into a buffer of the worker's own when they are taken, so that they are aggregated outside the lock,
    /// and can be read again from it (see <see cref="BlockSource{TState}.KeepsElements"/>).
    /// </summary>
    private abstract class BufferedBlocks<T, TState> : BlockSource<TState>
    {
        private readonly Func<T[], int, CancellationToken, TState> _aggregate;
        private readonly ChunkContinuation<T, TState>? _continueFrom;

        protected BufferedBlocks(Func<T[], int, CancellationToken, TState> aggregate, ChunkContinuation<T, TState>? continueFrom) =>
            (_aggregate, _continueFrom) = (aggregate, continueFrom);

        /// <summary>
        /// What the source threw after the elements of the last block taken, if it did: the failure belongs to the next
        /// block (taking it throws), so that the elements read before it are aggregated first, as the sequential loop
        /// would (they may decide the results, or fail first). A source failing at a block's first element throws as
        /// that block is taken.
        /// </summary>
        public ExceptionDispatchInfo? FailureAfterLastBlock { get; protected set; }

        public override TState Aggregate(int index, object? workspace, CancellationToken cancellationToken)
        {
            var chunk = (Chunk)workspace!;
            var state = _aggregate(chunk.Items, chunk.Count, cancellationToken);
            if (!KeepsElements)
            {
                Release(chunk);
            }

            return state;
        }

        /// <summary>No reference kept alive past its block.</summary>
        public override void Release(object workspace)
        {
            var chunk = (Chunk)workspace;
            Array.Clear(chunk.Items, 0, chunk.Count);
        }

        public override bool CanContinue => _continueFrom is not null;

        public override void Continue(ref TState state, int index, object? workspace, CancellationToken cancellationToken)
        {
            var chunk = (Chunk)workspace!;   // the block's, left as it was: its worker took the next with another
            _continueFrom!(ref state, chunk.Items, chunk.Count, cancellationToken);
        }

        public sealed class Chunk
        {
            public Chunk(T[] items) => Items = items;

            public T[] Items { get; }

            public int Count { get; set; }
        }
    }

    /// <summary>Chunks of one enumerator, each pulled into its worker's buffer under the take lock.</summary>
    private sealed class Chunks<T, TState> : BufferedBlocks<T, TState>, IDisposable
    {
        private readonly IEnumerator<T> _enumerator;
        private bool _exhausted;

        public Chunks(IEnumerable<T> source, Func<T[], int, CancellationToken, TState> aggregate, ChunkContinuation<T, TState>? continueFrom)
            : base(aggregate, continueFrom) => _enumerator = source.GetEnumerator();

        /// <summary>The first chunk, read by <see cref="TakeFirst"/> before any worker starts, until block 0 is taken.</summary>
        private Chunk? _first;

        /// <summary>
        /// Reads the first chunk on the calling thread, before any worker starts: it is the whole sequence when the
        /// sequence ends (or fails) within it, and then returned, the one block, read by no worker; else it becomes
        /// block 0. A source that fails before its first element throws here, as it would from block 0; one that fails
        /// after some elements leaves its failure to <see cref="BufferedBlocks{T, TState}.FailureAfterLastBlock"/>.
        /// </summary>
        public Chunk? TakeFirst(CancellationToken cancellationToken)
        {
            object? workspace = null;
            TryTake(0, ref workspace, static () => false, cancellationToken);
            var first = (Chunk)workspace!;
            if (_exhausted)
            {
                return first;
            }

            _first = first;
            return null;
        }

        public override bool TryTake(int index, ref object? workspace, Func<bool> isUnneeded, CancellationToken cancellationToken)
        {
            if (_first is { } first)
            {
                // Taken before the workers started: the worker taking block 0 aggregates it in its place.
                (_first, workspace) = (null, first);
                return true;
            }

            FailureAfterLastBlock?.Throw();
            if (_exhausted)
            {
                return false;
            }

            var chunk = (Chunk)(workspace ??= new Chunk(new T[ChunkSize]));
            var count = 0;
            try
            {
                // A slow source fills a chunk slowly: cancelling stops it between elements, as it stops the sequential loop,
                // and so do results decided (or a failure) in the blocks before it, where the sequential loop stops reading.
                while (count < ChunkSize && !cancellationToken.IsCancellationRequested && !isUnneeded() && _enumerator.MoveNext())
                {
                    chunk.Items[count++] = _enumerator.Current;
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (Exception ex) when (count > 0)
            {
                (FailureAfterLastBlock, _exhausted) = (ExceptionDispatchInfo.Capture(ex), true);
            }

            _exhausted |= count < ChunkSize;
            chunk.Count = count;
            return count > 0;
        }

        public void Dispose() => _enumerator.Dispose();
    }

    /// <summary>
    /// A list's blocks, each copied by index into its worker's buffer under the take lock (a copy costs little beside the
    /// aggregation; copied outside it, an indexer's failure partway through a block could not be handed to the next block
    /// before that one is taken).
    /// </summary>
    private sealed class ListBlocks<T, TState> : BufferedBlocks<T, TState>
    {
        private readonly IList<T> _list;
        private readonly int _length;
        private readonly int _blockSize;
        private readonly int _blocks;

        public ListBlocks(IList<T> list, int length, int blockSize, int blocks, Func<T[], int, CancellationToken, TState> aggregate, ChunkContinuation<T, TState>? continueFrom)
            : base(aggregate, continueFrom) => (_list, _length, _blockSize, _blocks) = (list, length, blockSize, blocks);

        public override int? Count => _blocks;

        public override bool TryTake(int index, ref object? workspace, Func<bool> isUnneeded, CancellationToken cancellationToken)
        {
            FailureAfterLastBlock?.Throw();
            if (index >= _blocks)
            {
                return false;
            }

            var chunk = (Chunk)(workspace ??= new Chunk(new T[_blockSize]));
            var start = index * _blockSize;
            FailureAfterLastBlock = Fill(_list, start, Math.Min(_blockSize, _length - start), chunk);
            return true;
        }

        /// <summary>
        /// Reads the <paramref name="count"/> elements of <paramref name="list"/> from <paramref name="start"/> into
        /// <paramref name="chunk"/>. An indexer that throws at the first of them throws; one that throws after some leaves
        /// those in the chunk and returns its failure (see <see cref="BufferedBlocks{T, TState}.FailureAfterLastBlock"/>).
        /// </summary>
        public static ExceptionDispatchInfo? Fill(IList<T> list, int start, int count, Chunk chunk)
        {
            if (list is T[] array)
            {
                Array.Copy(array, start, chunk.Items, 0, count);
                chunk.Count = count;
                return null;
            }

            if (list is List<T> concrete)
            {
                concrete.CopyTo(start, chunk.Items, 0, count);
                chunk.Count = count;
                return null;
            }

            // Any other list by its indexer, which every IList<T> implements (not every one implements CopyTo).
            var read = 0;
            try
            {
                for (; read < count; read++)
                {
                    chunk.Items[read] = list[start + read];
                }

                return null;
            }
            catch (Exception ex) when (read > 0)
            {
                return ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                chunk.Count = read;
            }
        }
    }

    /// <summary>Workers that take blocks in order, aggregate them in parallel, and fold their states in order.</summary>
    /// <remarks>
    /// A failure belongs to a block: blocks before it are still aggregated and folded, and if they decide the results
    /// the failure never happened, as in the sequential loop, which would have stopped before reading that block. So of
    /// several failures the one of the earliest block wins, whatever their timing. A block that failed in its own
    /// elements (a selector's exception) is kept, where the method gave a continuation, and read again by the sequential
    /// loop going on from the blocks before it: that loop would not have called the failing selector if what came before
    /// decided its attribute, which the block's own state, checked as it ran, could not tell (two Any, one found in an
    /// earlier block; an Any beside a Sum). If it reads the block without failing, its state is the blocks' so far, and
    /// the fold goes on with the next block.
    /// </remarks>
    private sealed class OrderedFold<TState>
    {
        private readonly object _gate = new();

        /// <summary>Held by the one worker taking the next block, before <see cref="_gate"/> when both are.</summary>
        private readonly object _takeGate = new();

        /// <summary>Whether no block after those taken can count; read without the lock by a block being taken.</summary>
        private readonly Func<bool> _takingIsUnneeded;
        private readonly ParallelOptions _options;
        private readonly StateMerger<TState> _merge;
        private readonly Func<TState, bool>? _isDecided;

        /// <summary>Whether a block (its state second) is read again on top of the folded state (first) rather than merged into it.</summary>
        private readonly Func<TState, TState, bool>? _readsInOrder;
        private readonly BlockSource<TState> _source;
        private readonly int _degree;

        /// <summary>States of blocks aggregated ahead of the next one to fold, by block number modulo its length.</summary>
        private readonly TState[] _waiting;
        private readonly bool[] _ready;

        private int _next;
        private int _folded;
        private bool _exhausted;
        private bool _stopped;
        private int _active;
        private TState _total = default!;

        /// <summary>
        /// Beside <see cref="_waiting"/>: a block that failed in its own elements where it can be read again (see
        /// <see cref="Keeps"/>), in place of its state; and the workspace a block was taken with, where it may be read
        /// again (failed, or read in order).
        /// </summary>
        private readonly bool[] _kept;
        private readonly object?[] _keptWorkspaces;

        /// <summary>Workspaces of blocks folded while <see cref="_readsInOrder"/> was given, for the next blocks to take.</summary>
        private readonly Stack<object> _spareWorkspaces = new();

        /// <summary>The earliest block that failed for good (or <see cref="int.MaxValue"/>), and how.</summary>
        private int _failedAt = int.MaxValue;
        private ExceptionDispatchInfo? _failure;

        /// <summary>Every worker that started, with the block it is aggregating; disposed once all have ended.</summary>
        private readonly List<Worker> _workers = new();

        /// <summary>Whether <see cref="Run"/> has returned or thrown: a worker a scheduler runs after that finds nothing to do.</summary>
        private bool _finished;

        public OrderedFold(ParallelOptions options, StateMerger<TState> merge, Func<TState, bool>? isDecided, Func<TState, TState, bool>? readsInOrder, BlockSource<TState> source)
        {
            (_options, _merge, _isDecided, _readsInOrder, _source) = (options, merge, isDecided, readsInOrder, source);
            _source.KeepsElements = readsInOrder is not null;

            // Blocks are CPU work: more workers than processors would only take turns.
            var requested = options.MaxDegreeOfParallelism is > 0 and var degree ? degree : Environment.ProcessorCount;
            _degree = Math.Max(1, Math.Min(requested, Environment.ProcessorCount));
            _waiting = new TState[2 * _degree];
            _ready = new bool[_waiting.Length];
            _kept = new bool[_waiting.Length];
            _keptWorkspaces = new object?[_waiting.Length];

            // Decided, or failed at a block: the one being taken comes after every block taken, so it cannot count.
            _takingIsUnneeded = () => Volatile.Read(ref _stopped) || Volatile.Read(ref _failedAt) != int.MaxValue;
        }

        public bool FoldedAny => _folded > 0;

        public TState Run()
        {
            var scheduler = _options.TaskScheduler ?? TaskScheduler.Current;   // as Parallel's own loops take a null one
            var workers = Math.Min(_degree, _source.Count ?? int.MaxValue);
            ExceptionDispatchInfo? refused = null;
            for (var i = 1; i < workers && refused is null; i++)
            {
                try
                {
                    Task.Factory.StartNew(static fold => ((OrderedFold<TState>)fold!).Work(), this, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler);
                }
                catch (Exception ex)
                {
                    // The scheduler refused a worker: the ones it took stop after their block, and are waited for
                    // before its exception comes out (the source's enumerator is disposed after them).
                    refused = ExceptionDispatchInfo.Capture(ex);
                    lock (_gate)
                    {
                        _stopped = true;
                        CancelBlocksAfter(-1);
                        Monitor.PulseAll(_gate);
                    }

                    CancelCollected();
                }
            }

            if (refused is null)
            {
                Work();
            }

            bool stoppedByTheOptionsToken;
            lock (_gate)
            {
                // Only workers that started are waited for; one still queued finds nothing to do when it runs.
                while (_active > 0)
                {
                    Monitor.Wait(_gate);
                }

                // A block stopped by the options' token throws with its worker's token, linked to it: the caller's comes
                // out instead (a selector's own OperationCanceledException stays as it is).
                stoppedByTheOptionsToken = _failure?.SourceException is OperationCanceledException { CancellationToken: var token }
                    && _workers.Exists(worker => worker.Cancellation.Token == token);
                _finished = true;
                foreach (var worker in _workers)
                {
                    worker.Cancellation.Dispose();
                }

                // Blocks left waiting by an early stop or a failure: their buffers keep no element alive past the method.
                foreach (var workspace in _keptWorkspaces)
                {
                    if (workspace is not null)
                    {
                        _source.Release(workspace);
                    }
                }
            }

            refused?.Throw();
            if (stoppedByTheOptionsToken)
            {
                _options.CancellationToken.ThrowIfCancellationRequested();
            }

            _failure?.Throw();

            // A token cancelled while the blocks ran (after the last one was taken, say) cancels the method, as it cancels
            // Parallel.For: a caller that cancelled gets no result.
            _options.CancellationToken.ThrowIfCancellationRequested();
            return _total;
        }

        private void Work()
        {
            object? workspace = null;
            Worker worker;
            lock (_gate)
            {
                // A worker the scheduler runs after the method returned does nothing, not even register on the caller's token.
                if (_finished)
                {
                    return;
                }

                worker = new Worker(CancellationTokenSource.CreateLinkedTokenSource(_options.CancellationToken));
                _active++;
                _workers.Add(worker);
            }

            try
            {
                while (true)
                {
                    int index;
                    lock (_takeGate)
                    {
                        lock (_gate)
                        {
                            // Never more than the window ahead of the fold: memory stays bounded if one block is slow.
                            while (!_stopped && !_exhausted && _next < _failedAt && _next - _folded >= _waiting.Length)
                            {
                                Monitor.Wait(_gate);
                            }

                            if (_stopped || _exhausted || _next >= _failedAt)
                            {
                                return;
                            }

                            if (_options.CancellationToken.IsCancellationRequested)
                            {
                                // The block it stops is the one not taken: one before it that failed on its own (its selector
                                // threw as the caller cancelled) failed first, as the sequential loop would have. The method is
                                // cancelled all the same, unless such a failure comes out (Run checks the token last).
                                Fail(ExceptionDispatchInfo.Capture(new OperationCanceledException(_options.CancellationToken)), at: _next);
                                return;
                            }

                            if (workspace is null && _spareWorkspaces.Count > 0)
                            {
                                workspace = _spareWorkspaces.Pop();
                            }

                            index = _next;
                        }

                        bool taken;
                        try
                        {
                            taken = _source.TryTake(index, ref workspace, _takingIsUnneeded, _options.CancellationToken);
                        }
                        catch (Exception ex)
                        {
                            lock (_gate)
                            {
                                Fail(ExceptionDispatchInfo.Capture(ex), at: index);
                            }

                            return;
                        }

                        lock (_gate)
                        {
                            if (!taken)
                            {
                                _exhausted = true;
                                Monitor.PulseAll(_gate);
                                return;
                            }

                            if (_stopped || index >= _failedAt)
                            {
                                return;   // decided or failed while it was being read: the sequential loop would not read it
                            }

                            _next++;
                            worker.Block = index;
                        }
                    }

                    TState state;
                    try
                    {
                        state = _source.Aggregate(index, workspace, worker.Cancellation.Token);
                    }
                    catch (Exception ex)
                    {
                        var kept = false;
                        lock (_gate)
                        {
                            worker.Block = NoBlock;
                            if (Keeps(index, worker))
                            {
                                // Read again once the blocks before it are folded (its failure may not be the sequential
                                // loop's, and that reading throws its own if it is).
                                var slot = index % _waiting.Length;
                                (_kept[slot], _keptWorkspaces[slot], _ready[slot], kept) = (true, workspace, true, true);
                                FoldReady();
                                Monitor.PulseAll(_gate);
                            }
                            else
                            {
                                Fail(ExceptionDispatchInfo.Capture(ex), at: index);
                            }
                        }

                        if (!kept)
                        {
                            return;
                        }

                        workspace = null;   // the block keeps it for its second reading: the next one gets another
                        CancelCollected();
                        continue;
                    }

                    lock (_gate)
                    {
                        worker.Block = NoBlock;
                        if (_stopped)
                        {
                            return;
                        }

                        _waiting[index % _waiting.Length] = state;
                        _ready[index % _waiting.Length] = true;
                        if (_readsInOrder is not null)
                        {
                            // The fold may read the block again: it keeps the workspace, and gives it back once folded.
                            _keptWorkspaces[index % _waiting.Length] = workspace;
                            workspace = null;
                        }

                        FoldReady();
                        Monitor.PulseAll(_gate);
                    }

                    CancelCollected();
                }
            }
            finally
            {
                try
                {
                    CancelCollected();   // what this worker's failure made unneeded
                }
                finally
                {
                    lock (_gate)
                    {
                        _active--;
                        Monitor.PulseAll(_gate);
                    }
                }
            }
        }

        /// <summary>Folds every state that is next in block order; under the lock.</summary>
        private void FoldReady()
        {
            while (!_stopped && _ready[_folded % _waiting.Length])
            {
                var slot = _folded % _waiting.Length;
                var (next, kept, keptWorkspace) = (_waiting[slot], _kept[slot], _keptWorkspaces[slot]);
                (_waiting[slot], _ready[slot], _kept[slot], _keptWorkspaces[slot]) = (default!, false, false, null);
                try
                {
                    if (kept || (_folded > 0 && _readsInOrder is not null && _readsInOrder(_total, next)))
                    {
                        // The sequential loop, from the blocks before it, over the block: one that failed in its own
                        // elements fails where the sequential loop fails (with that element's exception), or is read
                        // without failing, the failing call being one it skips (its attribute decided before the block);
                        // one read in order stops feeding what completes partway through it, as the sequential loop does.
                        var state = _total;
                        _source.Continue(ref state, _folded, keptWorkspace, _options.CancellationToken);
                        _total = state;
                    }
                    else if (_folded == 0)
                    {
                        _total = next;
                    }
                    else
                    {
                        _merge(ref _total, next);
                    }

                    _folded++;
                    if (_readsInOrder is not null && keptWorkspace is not null)
                    {
                        _source.Release(keptWorkspace);
                        _spareWorkspaces.Push(keptWorkspace);
                    }

                    if (_isDecided is not null && _isDecided(_total))
                    {
                        // Every result is final: no block starts, the running ones stop, and a later block's failure does not count.
                        (_stopped, _failure) = (true, null);
                        CancelBlocksAfter(-1);
                        return;
                    }
                }
                catch (Exception ex)
                {
                    // A merge that overflows (a checked count, a decimal sum), or a block read again that fails, fails where
                    // it happened: at this block.
                    Fail(ExceptionDispatchInfo.Capture(ex), at: _folded);
                    return;
                }
            }

            if (_folded >= _failedAt)
            {
                _stopped = true;   // every block before the failed one is folded, and none decided the results
            }
        }

        /// <summary>
        /// Whether block <paramref name="index"/>, failed in its own elements (a selector's exception), is kept to be read
        /// again by the sequential loop going on from the blocks before it, rather than fail the method: the block's own
        /// loop skipped a decided attribute's <c>Where</c> and <c>Of</c> only from its own state, and the sequential loop
        /// may have skipped them from earlier (two Any, one found in an earlier block; an Any beside a Sum). Not block 0,
        /// whose own loop is the sequential one, nor a block whose state is not needed. A block stopped by the options'
        /// token is kept too: the second reading checks that token first, so the method is cancelled, and a selector's
        /// exception the sequential loop would not have met does not come out in its place. Under the lock.
        /// </summary>
        private bool Keeps(int index, Worker worker) =>
            _source.CanContinue && index > 0 && index < _failedAt && !_stopped && !worker.CancelRequested;

        /// <summary>
        /// Records a failure at block <paramref name="at"/>, keeping the earliest block's; the blocks before it go on unless
        /// they are all folded already. Under the lock.
        /// </summary>
        /// <param name="failure">What failed.</param>
        /// <param name="at">The block it belongs to.</param>
        private void Fail(ExceptionDispatchInfo failure, int at)
        {
            if (_stopped && _failure is null)
            {
                return;   // already decided: what failed afterwards the sequential loop would not have read
            }

            if (at < _failedAt)
            {
                (_failedAt, _failure) = (at, failure);
                CancelBlocksAfter(at);   // the sequential loop would never read them
            }

            if (_folded >= _failedAt)
            {
                _stopped = true;
            }

            Monitor.PulseAll(_gate);
        }

        /// <summary>
        /// Marks the blocks being aggregated after block <paramref name="index"/>, whose states can no longer count, to be
        /// cancelled by <see cref="CancelCollected"/> once the lock is released. Under the lock.
        /// </summary>
        private void CancelBlocksAfter(int index)
        {
            foreach (var worker in _workers)
            {
                if (worker.Block > index && !worker.CancelRequested)
                {
                    worker.CancelRequested = true;
                    _toCancel.Add((worker.Cancellation, worker.Block));
                }
            }
        }

        /// <summary>
        /// Cancels the tokens <see cref="CancelBlocksAfter"/> marked, outside the lock: a token's callbacks (an aggregate
        /// delegate may register some) run as it is cancelled. Called by an active worker, or by <see cref="Run"/> before it
        /// waits, so no token is disposed under it. A callback's exception belongs to the block being cancelled, which
        /// no longer counts, so it is dropped as that block's own failure would be.
        /// </summary>
        private void CancelCollected()
        {
            while (true)
            {
                (CancellationTokenSource Cancellation, int Block)[] batch;
                lock (_gate)
                {
                    if (_toCancel.Count == 0)
                    {
                        return;
                    }

                    batch = _toCancel.ToArray();
                    _toCancel.Clear();
                }

                foreach (var (cancellation, block) in batch)
                {
                    try
                    {
                        cancellation.Cancel();
                    }
                    catch (Exception ex)
                    {
                        lock (_gate)
                        {
                            Fail(ExceptionDispatchInfo.Capture(ex), at: block);
                        }
                    }
                }
            }
        }

        /// <summary>The workers' tokens to cancel once the lock is released, with the block each was cancelled for (see <see cref="CancelCollected"/>).</summary>
        private readonly List<(CancellationTokenSource Cancellation, int Block)> _toCancel = new();

        private const int NoBlock = -1;

        /// <summary>A worker's token, cancelled when the block it aggregates is no longer needed (and with the options').</summary>
        private sealed class Worker
        {
            public Worker(CancellationTokenSource cancellation) => Cancellation = cancellation;

            public CancellationTokenSource Cancellation { get; }

            /// <summary>The block it is aggregating, or <see cref="NoBlock"/>; under the lock.</summary>
            public int Block { get; set; } = NoBlock;

            /// <summary>Whether its token is to be cancelled, or was; under the lock.</summary>
            public bool CancelRequested { get; set; }
        }
    }
}
