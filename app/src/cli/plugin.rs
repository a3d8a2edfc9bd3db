//! `zhibu plugin …`: list, install, remove, check, run (the author's harness), fixture (the
//! request the host would pass, from a real database), new (scaffold) and build (compile and
//! package), plus the helpers `zhibu report` shares.

use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use zhibu_report::plugin_host::package::{self, Source};
use zhibu_report::plugin_host::{CancelToken, ComponentCache, Limits, PluginHost, PluginLog, RenderRequest};
use zhibu_report::services::report::{self, Catalog};
use zhibu_report::services::scaffold;

/// The plugin subcommands.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// 列出可用的报表模板
    List,
    /// 安装插件包（文件夹或 zip），安装前显示所需权限
    Install {
        /// 插件包：含 plugin.toml 和 .wasm 的文件夹或 zip
        path: PathBuf,
        /// 不询问，直接同意所列权限
        #[arg(long)]
        yes: bool,
    },
    /// 删除已安装的插件
    Remove {
        /// 模板标识
        id: String,
    },
    /// 检查一个插件组件能否加载，并显示它的描述
    Check {
        /// 插件组件（.wasm）
        file: PathBuf,
    },
    /// 用样例数据运行插件（开发用）：显示耗用、日志和错误
    Run {
        /// 插件组件（.wasm）
        file: PathBuf,
        /// 样例请求（JSON，zhibu plugin new 会生成 fixture.json）
        #[arg(long, value_name = "F.json")]
        fixture: PathBuf,
        /// 输出文件：.docx（Word）或 .json（文档模型）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// 从数据库生成模板将收到的请求（JSON，个人信息照常遮盖），供 zhibu plugin run --fixture 和单元测试使用
    Fixture {
        /// 模板标识（已安装或内置），或插件包文件夹（含 plugin.toml 和 plugin.wasm，如 dist/模板标识）
        #[arg(long, value_name = "DIR_OR_ID")]
        template: String,
        /// 模板参数，可重复：--param year=2025
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// 写出的样例请求（JSON）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 请求中的生成时间（默认现在）
        #[arg(long, value_name = "YYYY-MM-DDTHH:MM:SS")]
        generated_at: Option<chrono::NaiveDateTime>,
        /// 本地规则文件（TOML），影响请求中的核查结果
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
    /// 新建一个可用的插件工程（含 SDK 副本和样例数据）
    New {
        /// 插件标识：小写字母、数字和连字符
        name: String,
        /// 在此目录下创建（默认当前目录）
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// 用本单位的 Word 文件（.docx，含 {{占位符}}）做模板：嵌入该文件并列出找到的占位符
        #[arg(long = "from-docx", value_name = "FILE")]
        from_docx: Option<PathBuf>,
    },
    /// 编译插件工程并打包到 dist/（plugin.toml、plugin.wasm 和 zip）
    Build {
        /// 插件工程目录
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// The host with default limits and the installation's compile cache.
pub fn host(plugins_dir: &Path, cache_dir: &Path) -> Result<PluginHost> {
    let cache = ComponentCache::for_installation(cache_dir.to_owned(), plugins_dir)?;
    Ok(PluginHost::new(Limits::default(), Some(cache))?)
}

/// Every template: embedded ones and those installed in `plugins_dir`.
pub fn catalog(plugins_dir: &Path, cache_dir: &Path) -> Result<Catalog> {
    let catalog = Catalog::open(cache_dir, plugins_dir)?;
    for (id, error) in &catalog.broken {
        eprintln!("警告：插件 {id} 未加载：{error}");
    }
    Ok(catalog)
}

/// Prints a plugin's log to stderr.
pub fn print_log(log: &PluginLog) {
    for line in &log.lines {
        if line.level == "host" {
            eprintln!("注意：{}", line.message);
        } else {
            eprintln!("[插件 {}] {}", line.level, line.message);
        }
    }
    if log.dropped > 0 {
        eprintln!("[插件] 另有 {} 行日志超出上限未保留", log.dropped);
    }
}

fn permissions_text(manifest: &package::Manifest) -> String {
    manifest.granted().into_iter().map(package::permission_label).collect::<Vec<_>>().join("；")
}

/// `zhibu plugin fixture`: the request `template` (an id, or a package folder) would receive from
/// `store` with `params`, written as JSON: only the record kinds it declares and was granted, ID
/// and phone numbers masked and birth dates left out, exactly as a render gets them.
pub fn fixture(
    store: &zhibu_core::store::Store,
    rules: &zhibu_core::rules::RuleSet,
    template: &str,
    params: &[(String, String)],
    out: &Path,
    generated_at: chrono::NaiveDateTime,
    dirs: (&Path, &Path),
) -> Result<()> {
    let mut catalog = catalog(dirs.0, dirs.1)?;
    let folder = Path::new(template);
    let template = if folder.is_dir() {
        let package = package::read(folder)?;
        catalog.add(package)?
    } else {
        catalog.get(template)?
    };
    let params = report::resolve_params(template, params)?;
    let request = report::build_request(store, rules, template, params, generated_at, report::Consent::None)?;
    let text = serde_json::to_string_pretty(&request)?;
    let temp = out.with_extension("json.part");
    std::fs::write(&temp, text).with_context(|| format!("无法写出：{}", out.display()))?;
    std::fs::rename(&temp, out).with_context(|| format!("无法写出：{}", out.display()))?;
    let r = &request.records;
    let counts = [
        ("党组织", r.organizations.len()),
        ("党员", r.members.len()),
        ("会议", r.meetings.len()),
        ("述职评议", r.duty_reviews.len()),
        ("民主评议", r.appraisals.len()),
        ("星级评定", r.star_ratings.len()),
        ("志愿服务", r.volunteer_activities.len()),
        ("核查结果", r.compliance.len()),
        ("换届选举", r.elections.len()),
    ];
    let held: Vec<String> = counts.iter().filter(|(_, n)| *n > 0).map(|(what, n)| format!("{what}{n}")).collect();
    println!(
        "已写出 {} 的样例请求：{}（{}；身份证号、手机号已遮盖）",
        template.plugin.info.id,
        out.display(),
        if held.is_empty() { "没有记录".to_owned() } else { held.join("，") }
    );
    Ok(())
}

/// Runs one plugin subcommand; `open` opens the database (only `fixture` needs it).
pub fn run(
    command: PluginCommand,
    plugins_dir: &Path,
    cache_dir: &Path,
    open: &dyn Fn() -> Result<zhibu_core::store::Store>,
) -> Result<()> {
    match command {
        PluginCommand::Fixture { template, params, out, generated_at, rules } => {
            let rules = match rules {
                Some(path) => zhibu_core::rules::RuleSet::load(&path)?,
                None => zhibu_core::rules::RuleSet::default(),
            };
            let at = generated_at.unwrap_or_else(|| chrono::Local::now().naive_local());
            let params = super::parse_params(&params)?;
            fixture(&open()?, &rules, &template, &params, &out, at, (plugins_dir, cache_dir))?;
        }
        PluginCommand::List => {
            let catalog = catalog(plugins_dir, cache_dir)?;
            for template in &catalog.templates {
                let m = &template.package.manifest;
                let source = match &template.package.source {
                    Source::Reference => "内置".to_owned(),
                    Source::Installed(dir) | Source::External(dir) => dir.display().to_string(),
                };
                println!(
                    "{}  {}  版本 {}  接口 {}  来源 {}\n    {}\n    权限：{}",
                    template.plugin.info.id,
                    template.plugin.info.name,
                    template.plugin.info.version,
                    template.plugin.api_version,
                    source,
                    template.plugin.info.description,
                    permissions_text(m)
                );
            }
        }
        PluginCommand::Install { path, yes } => {
            let package = package::read(&path)?;
            println!(
                "插件 {}（{}，版本 {}）请求读取以下数据：",
                package.manifest.id, package.manifest.name, package.manifest.version
            );
            for kind in package.manifest.granted() {
                println!("  · {}", package::permission_label(kind));
            }
            if !yes {
                if !std::io::stdin().is_terminal() {
                    bail!("安装需要确认权限：请在终端中运行，或加 --yes 表示同意");
                }
                print!("是否同意并安装？[y/N] ");
                std::io::stdout().flush()?;
                let mut answer = String::new();
                std::io::stdin().lock().read_line(&mut answer)?;
                if !matches!(answer.trim(), "y" | "Y" | "是") {
                    println!("已取消安装");
                    return Ok(());
                }
            }
            let mut catalog = catalog(plugins_dir, cache_dir)?;
            let manifest = report::install(&mut catalog, &path, plugins_dir)?;
            println!("已安装：{}（{}）到 {}", manifest.id, manifest.name, plugins_dir.join(&manifest.id).display());
        }
        PluginCommand::Remove { id } => {
            package::remove(plugins_dir, &id)?;
            println!("已删除插件：{id}");
        }
        PluginCommand::Check { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("无法读取：{}", file.display()))?;
            let plugin = host(plugins_dir, cache_dir)?.load(&bytes, &file.display().to_string())?;
            let info = &plugin.info;
            println!("检查通过：{}（{}）版本 {}，接口版本 {}", info.id, info.name, info.version, plugin.api_version);
            println!("说明：{}", info.description);
            for p in &info.parameters {
                let required = if p.required { "必填" } else { "选填" };
                println!("  参数 {}（{}，{:?}，{required}）{}", p.key, p.label, p.kind, p.help);
            }
            let needs: Vec<&str> = info.needs.iter().map(|k| package::permission_label(*k)).collect();
            println!("  需要数据：{}", needs.join("；"));
            for scheme in &info.schemes {
                println!("  提供评定方案：{}（{}，{}项指标）", scheme.name, scheme.key, scheme.indicators.len());
            }
            println!(
                "  加载 {:.1} 毫秒（{}），describe {:.2} 毫秒",
                plugin.load.compile.as_secs_f64() * 1000.0,
                if plugin.load.cached { "来自缓存" } else { "编译" },
                plugin.load.describe.as_secs_f64() * 1000.0
            );
        }
        PluginCommand::Run { file, fixture, out } => {
            let bytes = std::fs::read(&file).with_context(|| format!("无法读取：{}", file.display()))?;
            let text = std::fs::read_to_string(&fixture).with_context(|| format!("无法读取：{}", fixture.display()))?;
            let request: RenderRequest =
                serde_json::from_str(&text).with_context(|| format!("样例请求格式有误：{}", fixture.display()))?;
            let host = host(plugins_dir, cache_dir)?;
            let plugin = host.load(&bytes, &file.display().to_string())?;
            let result = host.render(&plugin, &request, &CancelToken::new());
            match result {
                Ok(outcome) => {
                    print_log(&outcome.log);
                    let options = zhibu_report::export::ExportOptions {
                        author: request.unit_name.clone(),
                        created: chrono::NaiveDateTime::parse_from_str(&request.generated_at, "%Y-%m-%dT%H:%M:%S")
                            .unwrap_or_default(),
                    };
                    zhibu_report::services::export::write_file(&outcome, &out, false, &options)?;
                    println!(
                        "已生成：{}\n耗用燃料 {}，用时 {:.2} 毫秒（含实例化），加载 {:.1} 毫秒（{}）",
                        out.display(),
                        outcome.fuel_used,
                        outcome.elapsed.as_secs_f64() * 1000.0,
                        plugin.load.compile.as_secs_f64() * 1000.0,
                        if plugin.load.cached { "来自缓存" } else { "编译" }
                    );
                }
                Err(error) => return Err(error.into()),
            }
        }
        PluginCommand::New { name, dir, from_docx: Some(file) } => {
            let parent = dir.unwrap_or_else(|| PathBuf::from("."));
            let made = scaffold::create_from_docx(&parent, &name, &file)?;
            println!("已用 Word 文件创建插件工程：{}（{}）", made.root.display(), made.title);
            println!("找到 {} 个占位符：", made.found.len());
            for found in &made.found {
                let mark = if found.field.is_some() { " " } else { "！" };
                println!("{mark} {}　{}　{}", found.tag(), found.place(), found.takes());
            }
            let unknown = made.found.iter().filter(|f| f.field.is_none()).count();
            if unknown > 0 {
                println!("其中 {unknown} 个（标！）没有标准字段：在 src/lib.rs 的 render 里补上，或在 Word 里改名。");
            }
            println!(
                "下一步：cd {} && zhibu plugin build && zhibu plugin run dist/{name}/plugin.wasm --fixture fixture.json --out out.docx",
                made.root.display()
            );
        }
        PluginCommand::New { name, dir, from_docx: None } => {
            let parent = dir.unwrap_or_else(|| PathBuf::from("."));
            let root = scaffold::create(&parent, &name)?;
            println!("已创建插件工程：{}", root.display());
            println!(
                "下一步：cd {} && zhibu plugin build && zhibu plugin run dist/{name}/plugin.wasm --fixture fixture.json --out out.json",
                root.display()
            );
        }
        PluginCommand::Build { dir } => {
            let host = host(plugins_dir, cache_dir)?;
            let built = scaffold::build(&dir, &host)?;
            println!(
                "已打包：{}（{} 版本 {}）\n  {}\n  {}\n  权限：{}",
                built.manifest.id,
                built.manifest.name,
                built.manifest.version,
                built.folder.display(),
                built.zip.display(),
                permissions_text(&built.manifest)
            );
        }
    }
    Ok(())
}
