const T0=performance.now()
const {loadConnector} = await import('/work/main/dist/core/connector/load.js')
const {checkConnector} = await import('/work/main/dist/core/validate/engine.js')
const {resolveConnectorPaths} = await import('/work/main/dist/core/validate/discover.js')
const t0=performance.now()
const dirs = await resolveConnectorPaths([process.argv[2]], process.cwd(), undefined)
const t1=performance.now()
let load=0, check=0, n=0
const results=[]
for (const d of dirs){ const a=performance.now(); const c=await loadConnector(d); const b=performance.now(); const f=checkConnector(c,{profile:'base',cwd:process.cwd()}); const e=performance.now(); load+=b-a; check+=e-b; results.push(f)}
const t2=performance.now()
const out=JSON.stringify(results,null,2); const t3=performance.now()
console.log(`import ${(t0-T0).toFixed(0)} discover ${(t1-t0).toFixed(0)} load ${load.toFixed(0)} check ${check.toFixed(0)} stringify ${(t3-t2).toFixed(0)} total ${(t3-T0).toFixed(0)}`)
