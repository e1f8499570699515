// The project has no code of its own. This file is here because the SDK looks for .globalconfig (and .editorconfig)
// in the folders of the project's C# files: without one, the severities in .globalconfig would not apply.
namespace CiLint;

internal static class Lint
{
}
