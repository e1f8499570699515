<#
.SYNOPSIS
    Runs the Pester tests against the built module (test.sh calls this after build.sh).
.DESCRIPTION
    Imports Pester 5.7.1 from the NuGet package cache (restored by tools/restore-tools), runs every
    *.Tests.ps1 under tests/Pester without prompts, writes NUnit XML to artifacts/test-results/pester.xml,
    and ends with one line "PESTER passed=N failed=N" that test.sh sums. Exits 1 when anything failed.
.EXAMPLE
    dotnet tool run pwsh -NoProfile -File tests/Pester/Invoke-MailStorageTests.ps1 -Path tests/Pester/Locking.Tests.ps1
    Runs one file's tests only (while working on it); test.sh runs them all.
#>
[CmdletBinding()]
param(
    [string] $ResultDirectory = (Join-Path $PSScriptRoot '../../artifacts/test-results'),
    [string[]] $Path = @($PSScriptRoot)
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

if (-not $env:NUGET_PACKAGES) {
    $env:NUGET_PACKAGES = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
}
Import-Module (Join-Path $env:NUGET_PACKAGES 'pester/5.7.1/tools/Pester.psd1') -Force

New-Item -ItemType Directory -Force -Path $ResultDirectory | Out-Null
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Run.Exit = $false
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.CIFormat = 'None'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultDirectory 'pester.xml'

$result = Invoke-Pester -Configuration $configuration
if ($null -eq $result) {
    Write-Output 'PESTER passed=0 failed=1'
    exit 1
}
# Blocks and containers that fail (a BeforeAll, a file that does not parse) count as failures too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Output "PESTER passed=$($result.PassedCount) failed=$failed"
exit $(if ($failed -gt 0 -or $result.PassedCount -eq 0) { 1 } else { 0 })
