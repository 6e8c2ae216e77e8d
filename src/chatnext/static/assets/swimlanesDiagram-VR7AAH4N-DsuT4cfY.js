import{c as r,s as e}from"./flowDiagram-HODETNUW-Bui5TZU9.js";import{_ as a}from"./mermaid.core-ByKU9ZuX.js";import"./chunk-5VM5RSS4-gUI72wiL.js";import"./chunk-XXDRQBXY-ClPn3fr1.js";import"./chunk-POPQ4Y6H-99Uxn_ct.js";import"./chunk-F27PBJKO-BS-Ndmc4.js";import"./index-BEW0Gsyy.js";import"./channel-fvdSfGNP.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
