// The element's shadow DOM: one section per panel (panels/*.js fill them), every section
// hidden until the Report has data for it. Static markup only: nothing from a file or a
// Report is ever parsed as HTML (panels set text with textContent). `part` names are the
// styling hooks documented in docs/embedding.md.
const HTML = `
<div class="dashboard" part="dashboard">
  <div id="toolbar" class="toolbar" part="toolbar" hidden>
    <strong data-i18n="export.title"></strong>
    <button id="export-csv" type="button" data-i18n="export.csv" data-testid="export-csv"></button>
    <button id="export-json" type="button" data-i18n="export.json" data-testid="export-json"></button>
    <button id="print" type="button" data-i18n="export.print" data-testid="print"></button>
    <span id="notice" class="notice" role="alert" data-testid="notice"></span>
  </div>

  <section id="summary" part="panel summary" hidden aria-labelledby="summary-title" data-testid="summary">
    <h2 id="summary-title" data-i18n="summary.title" tabindex="-1"></h2>
    <p id="report-meta" class="meta" data-testid="report-meta"></p>
    <ol id="findings" class="findings" data-testid="findings"></ol>
    <p id="summary-note" class="note"></p>
    <p id="summary-warnings" class="note warn-note" hidden></p>
  </section>

  <section id="retention" part="panel retention" hidden aria-labelledby="retention-title" data-testid="retention">
    <h2 id="retention-title" data-i18n="retention.title" tabindex="-1"></h2>
    <p id="retention-note" class="note" data-testid="retention-note"></p>
    <dl id="retention-cards" class="cards"></dl>
    <div class="row">
      <figure data-chart="survival"><figcaption data-i18n="retention.survival"></figcaption><div class="chart"></div></figure>
      <figure data-chart="renewal"><figcaption data-i18n="retention.rates"></figcaption><div class="chart"></div></figure>
    </div>
    <div class="scroll-x"><table id="retention-cohorts" class="grid-table" data-testid="retention-cohorts"></table></div>
  </section>

  <section id="kpis" part="panel kpis" hidden aria-labelledby="kpi-title">
    <h2 id="kpi-title" data-i18n="kpi.title" tabindex="-1"></h2>
    <dl id="kpi-cards" class="cards"></dl>
    <figure data-chart="periods"><figcaption data-i18n="kpi.periods"></figcaption><div class="chart"></div></figure>
  </section>

  <section id="lifecycle" part="panel lifecycle" hidden aria-labelledby="lifecycle-title">
    <h2 id="lifecycle-title" data-i18n="lifecycle.title" tabindex="-1"></h2>
    <p id="thresholds" class="note" data-testid="thresholds"></p>
    <div class="row">
      <figure data-chart="funnel"><figcaption data-i18n="lifecycle.funnel"></figcaption><div class="chart"></div></figure>
      <figure data-chart="transitions"><figcaption id="transitions-caption"></figcaption><div class="chart"></div></figure>
    </div>
    <div class="scroll-x"><table id="stage-table" class="grid-table" data-testid="stage-table"></table></div>
  </section>

  <section id="rfm" part="panel rfm" hidden aria-labelledby="rfm-title">
    <h2 id="rfm-title" data-i18n="rfm.title" tabindex="-1"></h2>
    <div class="row">
      <figure data-chart="treemap"><figcaption data-i18n="rfm.treemap"></figcaption><div class="chart"></div></figure>
      <figure data-chart="rfgrid"><figcaption data-i18n="rfm.heatmap"></figcaption><div class="chart"></div></figure>
    </div>
    <div class="scroll-x"><table id="segment-table" class="grid-table" data-testid="segment-table"></table></div>
  </section>

  <section id="cohorts" part="panel cohorts" hidden aria-labelledby="cohort-title">
    <h2 id="cohort-title" data-i18n="cohort.title" tabindex="-1"></h2>
    <figure data-chart="cohorts"><div class="chart tall"></div></figure>
  </section>

  <section id="kmeans" part="panel kmeans" hidden aria-labelledby="kmeans-title" data-testid="kmeans">
    <h2 id="kmeans-title" data-i18n="kmeans.title" tabindex="-1"></h2>
    <p id="kmeans-summary" class="note" data-testid="kmeans-summary"></p>
    <div class="row">
      <figure data-chart="elbow"><figcaption data-i18n="kmeans.elbow"></figcaption><div class="chart"></div><p id="elbow-note" class="note" data-testid="elbow-note"></p></figure>
      <figure data-chart="scatter"><figcaption data-i18n="kmeans.scatter"></figcaption><div class="chart"></div><p id="scatter-note" class="note"></p></figure>
    </div>
    <div class="scroll-x"><table id="cluster-table" class="grid-table" data-testid="cluster-table"></table></div>
  </section>

  <section id="clv" part="panel clv" hidden aria-labelledby="clv-title" data-testid="clv">
    <h2 id="clv-title" data-i18n="clv.title" tabindex="-1"></h2>
    <p id="clv-model" class="note"></p>
    <div class="row">
      <figure data-chart="clvhist"><figcaption data-i18n="clv.histogram"></figcaption><div class="chart"></div></figure>
      <figure data-chart="clvtop"><figcaption data-i18n="clv.top"></figcaption><div class="chart"></div></figure>
      <figure data-chart="palive"><figcaption data-i18n="clv.palive"></figcaption><div class="chart"></div><p id="palive-note" class="note" data-testid="palive-note"></p></figure>
      <figure data-chart="holdout"><figcaption data-i18n="clv.holdout"></figcaption><div class="chart"></div></figure>
      <figure data-chart="clvwindows" data-testid="clv-windows"><figcaption><span data-i18n="clv.windows"></span>
        <label class="inline"><span data-i18n="clv.windowsBy"></span> <select id="clv-windows-by" name="windowsBy"></select></label></figcaption><div class="chart"></div></figure>
    </div>
    <p id="clv-new" class="note" data-testid="clv-new"></p>
  </section>

  <section id="churn" part="panel churn" hidden aria-labelledby="churn-title" data-testid="churn">
    <h2 id="churn-title" data-i18n="churn.title" tabindex="-1"></h2>
    <p id="churn-summary" class="note" data-testid="churn-summary"></p>
    <div class="scroll-x"><table id="churn-table" class="grid-table" data-testid="churn-table"></table></div>
    <p id="churn-compare" class="note"></p>
    <div class="row">
      <figure data-chart="churncal"><figcaption data-i18n="churn.calibration"></figcaption><div class="chart"></div></figure>
    </div>
  </section>

  <section id="covariates" part="panel covariates" hidden aria-labelledby="cov-title" data-testid="covariates">
    <h2 id="cov-title" data-i18n="cov.title" tabindex="-1"></h2>
    <ul id="cov-effects" data-testid="cov-effects"></ul>
    <p id="cov-test" class="note"></p>
  </section>

  <section id="rules" part="panel rules" hidden aria-labelledby="rules-title" data-testid="rules">
    <h2 id="rules-title" data-i18n="rules.title" tabindex="-1"></h2>
    <p class="note" data-i18n="rules.note"></p>
    <div id="rules-list" data-testid="rules-list"></div>
  </section>

  <section id="customers" part="panel customers" hidden aria-labelledby="customers-title">
    <h2 id="customers-title" data-i18n="table.title" tabindex="-1"></h2>
    <form id="filters" class="fields" role="search">
      <label><span data-i18n="table.search"></span><input type="search" name="search" data-testid="search" autocomplete="off"></label>
      <label><span data-i18n="table.segment"></span><select name="segment"></select></label>
      <label><span data-i18n="table.stage"></span><select name="stage"></select></label>
      <label id="cluster-filter"><span data-i18n="table.cluster"></span><select name="cluster"></select></label>
    </form>
    <div class="table-bar">
      <p id="table-count" class="note" aria-live="polite" data-testid="table-count"></p>
      <button id="export-filtered" type="button" class="small" data-i18n="table.exportFiltered" data-testid="export-filtered"></button>
      <button id="copy-filtered" type="button" class="small" data-i18n="table.copyFiltered" data-testid="copy-filtered"></button>
    </div>
    <p id="table-keys" class="note" data-i18n="table.keys"></p>
    <div id="vtable" class="vtable" role="grid" tabindex="0" aria-labelledby="customers-title" aria-describedby="table-keys" data-testid="vgrid">
      <div id="vhead" class="vrow vhead" role="row"></div>
      <div id="vbody" class="vbody" role="rowgroup" data-testid="vbody"><div id="vspacer" class="vspacer" aria-hidden="true"></div></div>
    </div>
  </section>

  <section id="ingest" part="panel ingest" hidden aria-labelledby="ingest-title">
    <h2 id="ingest-title" data-i18n="ingest.title" tabindex="-1"></h2>
    <dl class="cards">
      <div><dt data-i18n="ingest.rowsRead"></dt><dd id="rows-read" data-testid="rows-read"></dd></div>
      <div><dt data-i18n="ingest.rowsUsed"></dt><dd id="rows-used"></dd></div>
      <div><dt data-i18n="ingest.rowsSkipped"></dt><dd id="rows-skipped"></dd></div>
      <div><dt data-i18n="ingest.period"></dt><dd id="period"></dd></div>
    </dl>
    <p id="skipped-by" class="note"></p>
    <ul id="warnings" class="warnings" data-testid="warnings"></ul>
  </section>

  <div id="list-bar" class="list-bar" role="region" aria-labelledby="list-bar-title" hidden data-testid="list-bar"></div>
  <p id="toast" class="toast" role="status" aria-live="polite" data-testid="toast"></p>
</div>`;

let template = null;

/** A fresh copy of the element's markup. */
export function markup() {
  if (!template) {
    template = document.createElement('template');
    template.innerHTML = HTML;
  }
  return template.content.cloneNode(true);
}
