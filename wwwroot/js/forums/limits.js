// Limits the forum pages share with the server, stated once. (Page sizes are not here: the pages never send a limit,
// so the server's Forums:WindowSize and its category page size decide, and "more" follows the API's Link header.)

/** Reasons for flags, hides, deletions and sanctions are stored up to this length (ModAction/PostFlag Reason columns). */
export const REASON_MAX_LENGTH = 500;
