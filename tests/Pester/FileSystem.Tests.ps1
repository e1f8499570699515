BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force

    # A fresh tmpfs for the module to detect; taken down in AfterAll. Needs root: without it the tests fail, they
    # never pass quietly.
    $script:Scratch = Join-Path ([System.IO.Path]::GetTempPath()) "mailstorage-pester-fs-$PID-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:Tmpfs = Join-Path $Scratch 'tmpfs'
    New-Item -ItemType Directory -Path $Tmpfs -Force | Out-Null
    $output = & mount -t tmpfs -o size=8m mailstorage-pester $Tmpfs 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "mount -t tmpfs failed (these tests need root$(if ($env:CI -eq 'true') { '; CI=true: a failure' })): $output"
    }
    New-Item -ItemType Directory -Path (Join-Path $Tmpfs 'mail') | Out-Null
}

AfterAll {
    if ($Tmpfs -and (& findmnt -n $Tmpfs)) {
        & umount $Tmpfs
        if ($LASTEXITCODE -ne 0) { & umount -l $Tmpfs }
    }
    if ($Scratch -and -not (& findmnt -n $Tmpfs)) {
        Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue
    }
}

Describe 'Get-MailStorageFileSystem' {
    It 'reports the root filesystem as stat and findmnt see it' {
        $fs = Get-MailStorageFileSystem -Path / -ErrorAction Stop
        $fs | Should -BeOfType ([MailStorage.PowerShell.MailStorageFileSystem])
        $fs.Path | Should -Be '/'
        $fs.MountPoint | Should -Be '/'
        $fs.FsTypeName | Should -Be ((& findmnt -n -o FSTYPE /).Trim())
        $fs.Source | Should -Be ((& findmnt -n -o SOURCE /).Trim())
        $fs.Magic | Should -Be ('0x{0:X8}' -f [Convert]::ToInt64((& stat -f -c %t /).Trim(), 16))
        $fs.IsBindMount | Should -BeFalse
    }

    It 'reports a tmpfs with its kind, options and capabilities' {
        $fs = Get-MailStorageFileSystem (Join-Path $Tmpfs 'mail')
        $fs.MountPoint | Should -Be $Tmpfs
        "$($fs.Type)" | Should -Be 'Tmpfs'
        $fs.FsTypeName | Should -Be 'tmpfs'
        $fs.Magic | Should -Be '0x01021994'
        $fs.Source | Should -Be 'mailstorage-pester'
        $fs.Options | Should -Contain 'size=8192k'
        $fs.Subtype | Should -BeNullOrEmpty
        $fs.Durable | Should -BeFalse
        $fs.Shared | Should -BeFalse
        $fs.MmapCoherent | Should -BeTrue
        "$($fs.FcntlAcrossHosts)" | Should -Be 'NotShared'
        "$($fs.FlockAcrossHosts)" | Should -Be 'NotShared'
        $fs.ExclusiveCreateAtomic | Should -BeTrue
        $fs.ColonInNames | Should -BeTrue
    }

    It 'takes strings and FullName from the pipeline' {
        $byValue = @('/', $Tmpfs | Get-MailStorageFileSystem)
        $byValue.MountPoint | Should -Be @('/', $Tmpfs)
        $byName = @(Get-Item $Tmpfs, / | Get-MailStorageFileSystem)
        $byName.MountPoint | Should -Be @($Tmpfs, '/')
    }

    It 'resolves relative paths against the current location' {
        Push-Location $Tmpfs
        try { (Get-MailStorageFileSystem mail).Path | Should -Be (Join-Path $Tmpfs 'mail') } finally { Pop-Location }
    }

    It 'writes a non-terminating error for a missing path and goes on with the others' {
        $missing = Join-Path $Scratch 'no-such/folder'
        $found = @(Get-MailStorageFileSystem -Path $missing, $Tmpfs -ErrorVariable problems -ErrorAction SilentlyContinue)
        $found.Count | Should -Be 1
        $found[0].MountPoint | Should -Be $Tmpfs
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'GetMailStorageFileSystemPathNotFound,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be $missing
        $problems[0].Exception.Message | Should -BeLike "*$missing*"
    }

    It 'formats as a table of path, mount point, type, fstype and source' {
        $text = Get-MailStorageFileSystem $Tmpfs | Format-Table | Out-String -Width 300
        $text | Should -Match 'Path\s+MountPoint\s+Type\s+FsTypeName\s+Source'
        $text | Should -Match ([regex]::Escape($Tmpfs) + '\s+' + [regex]::Escape($Tmpfs) + '\s+Tmpfs\s+tmpfs\s+mailstorage-pester')
    }
}

Describe 'Export-MailStorageProfile' {
    It 'writes YAML that Test-MailStorageConfig -ProfilePath reads, with the mounts of the paths' {
        $yaml = Export-MailStorageProfile -Path $Tmpfs, / -Topology Sticky -Hosts 2 -ErrorAction Stop
        $yaml | Should -BeOfType ([string])
        $yaml | Should -Match '(?m)^topology: sticky$'
        $yaml | Should -Match '(?m)^hosts: 2$'
        $yaml | Should -Match ('(?m)^  - path: ' + [regex]::Escape($Tmpfs) + '\n    type: tmpfs$')
        $profile = Join-Path $Scratch 'exported.yaml'
        [IO.File]::WriteAllText($profile, $yaml)
        { Test-MailStorageConfig -Path $Example -ProfilePath $profile -ErrorAction Stop } | Should -Not -Throw
    }

    It 'writes -OutFile through a temporary file, and the profile round-trips' {
        $out = Join-Path $Scratch 'out/mailstorage.yaml'
        New-Item -ItemType Directory -Path (Split-Path $out) -Force | Out-Null
        $written = @(Export-MailStorageProfile -Path $Tmpfs -OutFile $out)
        $written.Count | Should -Be 0
        @(Get-ChildItem (Split-Path $out) -Force).Name | Should -Be 'mailstorage.yaml'
        (Get-Content $out -Raw) | Should -Match 'type: tmpfs'
        $findings = @(Test-MailStorageConfig -Path $Example -ProfilePath $out -ErrorAction Stop)
        # /srv/mail is under no mount of this profile: the linter says so instead of failing.
        @($findings | Where-Object RuleId -eq 'MSD006').Count | Should -BeGreaterThan 0
    }

    It 'takes the paths a configuration uses, even before they exist' {
        $conf = Join-Path $Scratch 'dovecot.conf'
        [IO.File]::WriteAllText($conf, "mail_location = maildir:$Tmpfs/%d/%n/Maildir:INDEX=$Tmpfs/index/%d/%n`n")
        $yaml = Export-MailStorageProfile -ConfigPath $conf -ErrorAction Stop
        $yaml | Should -Match ('(?m)^  - path: ' + [regex]::Escape($Tmpfs) + '$')
        $profile = Join-Path $Scratch 'from-config.yaml'
        [IO.File]::WriteAllText($profile, $yaml)
        @(Test-MailStorageConfig -Path $conf -ProfilePath $profile | Where-Object RuleId -eq 'MSD006').Count | Should -Be 0
    }

    It 'writes nothing with -WhatIf' {
        $out = Join-Path $Scratch 'whatif.yaml'
        $result = @(Export-MailStorageProfile -Path $Tmpfs -OutFile $out -WhatIf)
        $result.Count | Should -Be 0
        Test-Path $out | Should -BeFalse
        @(Get-ChildItem $Scratch -Filter '*.tmp' -Force).Count | Should -Be 0
    }

    It 'writes a non-terminating error for a missing path and a terminating one when nothing is left' {
        $missing = Join-Path $Scratch 'no-such'
        $yaml = Export-MailStorageProfile -Path $missing, $Tmpfs -ErrorVariable problems -ErrorAction SilentlyContinue
        $yaml | Should -Match 'type: tmpfs'
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ExportMailStorageProfilePathNotFound,*'
        $err = $null
        try { Export-MailStorageProfile -Path $missing -ErrorAction SilentlyContinue; throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ExportMailStorageProfileNothingToExport,*'
    }

    It 'accepts only single, sticky and random as topology' {
        { Export-MailStorageProfile -Path / -Topology pinned } | Should -Throw -ErrorId 'ParameterArgumentValidationError,MailStorage.PowerShell.Commands.ExportMailStorageProfileCommand'
    }
}

Describe 'Test-MailStorageConfig -Detect' {
    It 'lints the example against the storage detected here and yields diagnostics' {
        # /srv/mail does not exist here: its nearest existing parent, on the root filesystem, is detected.
        $findings = @(Test-MailStorageConfig -Path $Example -Detect -ErrorAction Stop -WarningAction SilentlyContinue)
        $findings.Count | Should -BeGreaterThan 0
        $findings | ForEach-Object { $_ | Should -BeOfType ([MailStorage.PowerShell.StorageDiagnostic]) }
        # Every mail path is placed on a detected mount.
        @($findings | Where-Object RuleId -eq 'MSD006') | Should -BeNullOrEmpty
    }

    It 'finds NFS-only settings pointless on a local disk, as the same profile written out does' {
        $detected = @(Test-MailStorageConfig -Path $Example -Detect -WarningAction SilentlyContinue | ForEach-Object { "$($_.RuleId)@$($_.Line)" })
        $profile = Join-Path $Scratch 'detected.yaml'
        Export-MailStorageProfile -ConfigPath $Example -OutFile $profile -WarningAction SilentlyContinue
        $fromFile = @(Test-MailStorageConfig -Path $Example -ProfilePath $profile | ForEach-Object { "$($_.RuleId)@$($_.Line)" })
        $detected | Should -Be $fromFile
    }

    It 'cannot be combined with -ProfilePath' {
        { Test-MailStorageConfig -Path $Example -Detect -ProfilePath (Join-Path $RepoRoot 'examples/mailstorage.yaml') } | Should -Throw -ErrorId 'AmbiguousParameterSet,MailStorage.PowerShell.Commands.TestMailStorageConfigCommand'
    }
}
