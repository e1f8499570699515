BeforeDiscovery {
    # The Help tests are generated per exported cmdlet, so the module is needed while discovering them.
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force
    $script:Cmdlets = @(Get-Command -Module MailStorage -CommandType Cmdlet | ForEach-Object Name)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force
    $script:Module = Get-Module MailStorage
    $script:ManifestData = Import-PowerShellDataFile $Manifest
}

Describe 'MailStorage module' {
    It 'is imported from the built module through the root manifest' {
        $Module | Should -Not -BeNullOrEmpty
        $Module.Path | Should -Be (Join-Path $RepoRoot 'artifacts/module/MailStorage.PowerShell.dll')
    }

    It 'exports exactly the cmdlets the manifest lists, and the manifest lists every cmdlet in the assembly' {
        $inAssembly = $Module.ImplementingAssembly.GetTypes() |
            Where-Object { $_.IsPublic -and -not $_.IsAbstract -and $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        ($ManifestData.CmdletsToExport | Sort-Object) | Should -Be ($inAssembly | Sort-Object)
        ($Module.ExportedCmdlets.Keys | Sort-Object) | Should -Be ($inAssembly | Sort-Object)
        $ManifestData.CmdletsToExport | Should -Contain 'Get-MailStorageConfig'
        $ManifestData.CmdletsToExport | Should -Contain 'ConvertTo-DovecotConfig'
    }

    It 'has the version from Directory.Build.props' {
        $props = [xml](Get-Content (Join-Path $RepoRoot 'Directory.Build.props') -Raw)
        $version = @($props.Project.PropertyGroup.Version | Where-Object { $_ })[0]
        $Module.Version.ToString() | Should -Be $version
    }

    It 'ships its dependencies in dependencies/ and not PowerShell itself' {
        $deps = Get-ChildItem (Join-Path $RepoRoot 'artifacts/module/dependencies') -Filter *.dll | ForEach-Object Name
        $deps | Should -Contain 'MailStorage.ConfigAnalyzer.dll'
        $deps | Should -Contain 'YamlDotNet.dll'
        $deps | Where-Object { $_ -like 'System.Management.Automation*' } | Should -BeNullOrEmpty
        Test-Path (Join-Path $RepoRoot 'artifacts/module/MailStorage.ConfigAnalyzer.dll') | Should -BeFalse
    }

    It 'formats DovecotSetting as a table with a location column' {
        $text = Get-MailStorageConfig -Path $Example -Name mmap_disable | Format-Table | Out-String -Width 200
        $text | Should -Match 'Filter\s+Section\s+Name\s+Value\s+Location'
        $text | Should -Match 'mmap_disable\s+yes\s+\S*10-mail\.conf:12'
    }
}

Describe 'Help' {
    It 'is generated for at least the two configuration cmdlets' {
        $Cmdlets | Should -Contain 'Get-MailStorageConfig' -Because 'discovery must see the exported cmdlets'
        $Cmdlets | Should -Contain 'ConvertTo-DovecotConfig'
    }
}

Describe 'Help for <_>' -ForEach $Cmdlets {
    BeforeAll {
        $script:Help = Get-Help $_ -Full
        $script:Command = Get-Command $_
    }

    It 'has a synopsis of its own (not the generated syntax line)' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis.Trim() | Should -Not -BeLike "$_*"
    }

    It 'has a description' {
        ($Help.description | ForEach-Object Text) -join ' ' | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples, each with code and remarks' {
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $Help.examples.example) {
            $example.code | Should -Not -BeNullOrEmpty
            ($example.remarks | ForEach-Object Text) -join '' | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter, and only parameters that exist' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $actual = $Command.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object
        $documented = @($Help.parameters.parameter | ForEach-Object Name) | Sort-Object
        $documented | Should -Be $actual
        foreach ($p in $Help.parameters.parameter) {
            ($p.description | ForEach-Object Text) -join '' | Should -Not -BeNullOrEmpty -Because "parameter -$($p.Name) needs a description"
        }
    }

    It 'uses only parameters that exist in its examples' {
        foreach ($example in $Help.examples.example) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref]$null, [ref]$null)
            $calls = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and $n.GetCommandName() -eq $_ }.GetNewClosure(), $true)
            foreach ($call in $calls) {
                foreach ($parameter in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                    $Command.Parameters.Keys | Should -Contain $parameter.ParameterName -Because "example: $($example.code)"
                }
            }
        }
    }
}
