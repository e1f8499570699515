# Writes docs/cmdlets/<Cmdlet>.md for every cmdlet MailStorage exports, from the same MAML help Get-Help shows
# (en-US/MailStorage.PowerShell.dll-Help.xml), so the two cannot drift apart: tests/Pester/CmdletDocs.Tests.ps1
# writes them again and compares.
#   pwsh -NoProfile -File tools/cmdlet-docs.ps1 [-OutputDirectory docs/cmdlets]
param([string] $OutputDirectory = (Join-Path (Split-Path -Parent $PSScriptRoot) 'docs/cmdlets'))
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
Import-Module (Join-Path $root 'MailStorage.psd1') -Force
New-Item -ItemType Directory -Force $OutputDirectory | Out-Null

# Help text paragraphs (the Text of each para), joined with blank lines.
function Paragraphs($items) {
    (@($items) | ForEach-Object { if ($_.Text) { $_.Text.Trim() } } | Where-Object { $_ }) -join "`n`n"
}

function Syntax($item) {
    $parts = foreach ($p in @($item.parameter)) {
        $type = if ($p.parameterValue) { " <$($p.parameterValue)>" } else { '' }
        $text = if ($p.position -ne 'named') { "[-$($p.name)]$type" } else { "-$($p.name)$type" }
        if ($p.required -ne 'true') { "[$text]" } else { $text }
    }
    ($item.name, @($parts), '[<CommonParameters>]' | ForEach-Object { $_ }) -join ' '
}

$names = (Import-PowerShellDataFile (Join-Path $root 'MailStorage.psd1')).CmdletsToExport | Sort-Object
foreach ($name in $names) {
    $help = Get-Help $name -Full
    $md = [System.Text.StringBuilder]::new()
    [void] $md.Append("# $name`n`n")
    [void] $md.Append("$($help.Synopsis.Trim())`n`n")
    [void] $md.Append("## Syntax`n`n")
    foreach ($item in @($help.syntax.syntaxItem)) {
        [void] $md.Append("``````powershell`n$(Syntax $item)`n```````n`n")
    }

    [void] $md.Append("## Description`n`n$(Paragraphs $help.description)`n`n")
    [void] $md.Append("## Parameters`n`n")
    foreach ($p in @($help.parameters.parameter) | Where-Object { $_ }) {
        [void] $md.Append("### -$($p.name)`n`n$(Paragraphs $p.description)`n`n")
        [void] $md.Append("| Type | Required | Position | Default | Pipeline input | Wildcards |`n| --- | --- | --- | --- | --- | --- |`n")
        $default = if ($p.defaultValue) { $p.defaultValue } else { 'None' }
        [void] $md.Append("| $($p.type.name) | $($p.required) | $($p.position) | $default | $($p.pipelineInput) | $($p.globbing) |`n`n")
    }

    [void] $md.Append("### CommonParameters`n`nThis cmdlet supports the common parameters (see about_CommonParameters).`n`n")
    $inputs = @($help.inputTypes.inputType) | Where-Object { $_.type.name }
    if ($inputs) {
        [void] $md.Append("## Inputs`n`n")
        foreach ($i in $inputs) { [void] $md.Append("### $($i.type.name.Trim())`n`n$(Paragraphs $i.description)`n`n") }
    }

    $outputs = @($help.returnValues.returnValue) | Where-Object { $_.type.name }
    if ($outputs) {
        [void] $md.Append("## Outputs`n`n")
        foreach ($o in $outputs) { [void] $md.Append("### $($o.type.name.Trim())`n`n$(Paragraphs $o.description)`n`n") }
    }

    $notes = Paragraphs $help.alertSet.alert
    if ($notes) { [void] $md.Append("## Notes`n`n$notes`n`n") }
    [void] $md.Append("## Examples`n`n")
    foreach ($e in @($help.examples.example) | Where-Object { $_ }) {
        $title = ($e.title -replace '^-+\s*', '' -replace '\s*-+$', '').Trim()
        [void] $md.Append("### $title`n`n``````powershell`n$($e.code.Trim())`n```````n`n$(Paragraphs $e.remarks)`n`n")
    }

    $links = @($help.relatedLinks.navigationLink) | Where-Object { $_.linkText -or $_.uri }
    if ($links) {
        [void] $md.Append("## Related links`n`n")
        foreach ($l in $links) {
            $text = if ($l.linkText) { $l.linkText.Trim() } else { $l.uri }
            $target = if ($l.uri) { $l.uri } elseif ($names -contains $text) { "$text.md" } else { $null }
            [void] $md.Append($(if ($target) { "- [$text]($target)`n" } else { "- $text`n" }))
        }
        [void] $md.Append("`n")
    }

    $text = ($md.ToString() -replace "`n{3,}", "`n`n").TrimEnd() + "`n"
    [System.IO.File]::WriteAllText((Join-Path $OutputDirectory "$name.md"), $text)
}
