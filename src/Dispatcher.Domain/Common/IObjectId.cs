namespace Dispatcher.Domain.Common;

/// <summary>
/// The one pattern for ids made of ObjectId text (ADR 0013): a record struct implements this and forwards its
/// <c>New</c>/<c>Parse</c>/<c>TryParse</c> to <see cref="ObjectIdText"/>'s generic members, which do the work once.
/// </summary>
internal interface IObjectId<TSelf>
    where TSelf : struct, IObjectId<TSelf>
{
    /// <summary>What the id is called in error messages, e.g. "App id".</summary>
    static abstract string Kind { get; }

    /// <summary>Wraps text already checked and lower-cased by <see cref="ObjectIdText"/>.</summary>
    static abstract TSelf Wrap(string value);
}
