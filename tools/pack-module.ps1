# Packs the built module (artifacts/module) as artifacts/packages/MailStorage.<version>.nupkg, the package
# Install-PSResource installs. build.sh calls it with XDG_DATA_HOME set to a temporary folder, where PSResourceGet
# keeps its repositories: registering the temporary one must not touch the user's settings.
#   pwsh -NoProfile -File tools/pack-module.ps1
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
$staging = Join-Path $root 'artifacts/psmodule/MailStorage'
$packages = Join-Path $root 'artifacts/packages'
$repository = Join-Path $root 'artifacts/psmodule/repository'

# The installed module is the build's layout with a manifest whose paths start at the module folder itself.
Remove-Item -Recurse -Force (Join-Path $root 'artifacts/psmodule') -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Force $staging, $repository, $packages | Out-Null
Copy-Item -Recurse (Join-Path $root 'artifacts/module/*') $staging
Copy-Item (Join-Path $root 'LICENSE') $staging
$manifest = Get-Content -Raw (Join-Path $root 'MailStorage.psd1')
$manifest = $manifest -replace "artifacts/module/", ''
Set-Content -NoNewline -Path (Join-Path $staging 'MailStorage.psd1') -Value $manifest
Test-ModuleManifest (Join-Path $staging 'MailStorage.psd1') | Out-Null

Register-PSResourceRepository -Name MailStorageBuild -Uri $repository -Trusted
try {
    Publish-PSResource -Path $staging -Repository MailStorageBuild
} finally {
    Unregister-PSResourceRepository -Name MailStorageBuild
}

$version = (Import-PowerShellDataFile (Join-Path $staging 'MailStorage.psd1')).ModuleVersion
$package = Get-ChildItem $repository -Filter "MailStorage.$version.nupkg"
if (-not $package) { throw "Publish-PSResource wrote no MailStorage.$version.nupkg" }
Copy-Item $package.FullName $packages -Force
Write-Output "pack-module.ps1: $(Join-Path $packages $package.Name)"
