// Errors about what the user gave us (a path that is not a repository, a ref that does not
// exist, a fetch that failed): the CLI prints the message as one line. Anything else git
// reports is a bug or a broken repository and stays a plain Error with git's words.

export class GitInputError extends Error {
  override name = 'GitInputError';
}
