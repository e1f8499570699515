# docs/cmdlets/<Cmdlet>.md is made from the MAML help by tools/cmdlet-docs.ps1: written again here, it must be the same.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Written = Join-Path ([System.IO.Path]::GetTempPath()) ("mailstorage-docs-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    & (Join-Path $RepoRoot 'tools/cmdlet-docs.ps1') -OutputDirectory $Written
    $script:Cmdlets = (Import-PowerShellDataFile $Manifest).CmdletsToExport
}

AfterAll {
    Remove-Item -Recurse -Force $Written -ErrorAction SilentlyContinue
}

Describe 'docs/cmdlets' {
    It 'has a page for every exported cmdlet and no other' {
        $pages = Get-ChildItem (Join-Path $RepoRoot 'docs/cmdlets') -Filter *.md | ForEach-Object BaseName | Sort-Object
        $pages | Should -Be ($Cmdlets | Sort-Object)
    }

    It '<_>.md says what Get-Help says (tools/cmdlet-docs.ps1 writes it again the same)' -ForEach @((Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../MailStorage.psd1')).CmdletsToExport) {
        $committed = Get-Content -Raw (Join-Path $RepoRoot "docs/cmdlets/$_.md")
        $fresh = Get-Content -Raw (Join-Path $Written "$_.md")
        $committed | Should -BeExactly $fresh -Because 'run tools/cmdlet-docs.ps1 after changing the help'
    }

    It '<_>.md has a synopsis, syntax, parameters and at least one example' -ForEach @((Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../MailStorage.psd1')).CmdletsToExport) {
        $text = Get-Content -Raw (Join-Path $RepoRoot "docs/cmdlets/$_.md")
        $text | Should -Match '(?m)^## Syntax$'
        $text | Should -Match '(?m)^## Parameters$'
        $text | Should -Match '(?m)^## Examples\n\n### .+\n\n```powershell\n\S'
    }
}
